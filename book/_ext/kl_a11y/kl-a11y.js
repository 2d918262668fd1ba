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
  // never delays the explorables or the first screen. Before that, the
  // sections lose kl-lean.css's lazy layout one by one (data-kl-laid), each
  // laid out in an idle moment, so that no single task lays out the whole
  // chapter (most of a second on a long one) while the reader may already
  // be moving a slider. data-kl-idle marks the end: every section is laid
  // out for good, and the boxes are measured.
  var idle = window.requestIdleCallback
    ? function (f) { window.requestIdleCallback(f, { timeout: 500 }); }
    : function (f) { setTimeout(f, 0); };
  window.addEventListener("load", function () {
    var sections = document.querySelectorAll(".bd-article section > section");
    var i = 0;
    var step = function (deadline) {
      do {
        if (i >= sections.length) {
          root.setAttribute("data-kl-idle", "");
          tabStops();
          return;
        }
        sections[i].setAttribute("data-kl-laid", "");
        void sections[i++].offsetHeight; // lay it out now, while idle
      } while (deadline && deadline.timeRemaining() > 20);
      idle(step);
    };
    idle(step);
  });
  document.addEventListener("DOMContentLoaded", function () {
    nameThemeSwitch();
    new MutationObserver(nameThemeSwitch).observe(root, { attributes: true, attributeFilter: ["data-mode"] });
  });
})();
