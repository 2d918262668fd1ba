// Accessibility fixes of the theme (book/_ext/kl_a11y.py adds this file).
(function () {
  "use strict";
  var root = document.documentElement;
  // Print light whatever the reader's theme: switch for the print, then back.
  var saved = null;
  window.addEventListener("beforeprint", function () {
    saved = root.dataset.theme || null;
    root.dataset.theme = "light";
  });
  window.addEventListener("afterprint", function () {
    if (saved !== null) root.dataset.theme = saved;
    saved = null;
  });
  // The colour-mode switch shows an icon for the current mode: name the
  // button by what it does and the mode it shows, e.g. "Color mode: Light".
  function nameThemeSwitch() {
    var mode = root.dataset.mode || "auto";
    var names = { light: "Light", dark: "Dark", auto: "System Settings" };
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      button.setAttribute("aria-label", "Color mode: " + (names[mode] || mode));
      button.querySelectorAll("i[title]").forEach(function (icon) {
        icon.setAttribute("aria-hidden", "true");
      });
    });
  }
  // A box that scrolls sideways (displayed maths on a phone) can be reached
  // and scrolled with the keyboard, as the theme does for code and outputs.
  var SCROLLERS = 'mjx-container[display="true"], div.math-wrapper, div.highlight, div.cell_output';
  function tabStops() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      if (box.closest("pre")) return;
      if (box.scrollWidth > box.clientWidth + 1) box.tabIndex = 0;
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(tabStops, 200);
  });
  // Measuring every box lays out the whole page, sections below the window
  // included: do it once the page has loaded and the browser is idle, so it
  // never delays the explorables or the first screen. data-kl-idle marks
  // that moment; it also ends kl-lean.css's lazy layout of the sections, so
  // the boxes are measured as laid out for good. (Laying the sections out
  // one by one, in idle moments of their own, shortened that task, but a
  // section laid out above the window then moved the scroll position while
  // the reader might be dragging: tests/test_a11y.py's touch test.)
  window.addEventListener("load", function () {
    var run = function () {
      root.setAttribute("data-kl-idle", "");
      tabStops();
    };
    if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 500 });
    else setTimeout(run, 0);
  });
  document.addEventListener("DOMContentLoaded", function () {
    nameThemeSwitch();
    new MutationObserver(nameThemeSwitch).observe(root, { attributes: true, attributeFilter: ["data-mode"] });
  });
})();
