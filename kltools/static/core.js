// core.js: what every explorable's front end shares (anywidget ES module).
//
// kltools/explore/_core.py builds each kind's ES module from klmath.js, this
// file and kinds/<kind>.js, and anywidget saves it in the notebook's widget
// state, so the same code runs in Jupyter, Colab and on the static site with
// no kernel.
//
// A kind's file adds one renderer, `RENDERERS.<kind> = ({ model, el }) => ...`.
// It reads its initial settings from model.get("params"), builds controls
// with slider() (or elements marked data-drag that follow the pointer and
// the arrow keys), shows numbers with output(), and on every change
// recomputes, redraws inside timed(), and calls save(model, el, values).
// The browser tests rely on exactly these marks: they move every control
// (input[type=range][data-control], select[data-control],
// button[data-control], [data-drag]), read el's data-params and data-values
// (initial and current settings) and each output's data-value (the
// full-precision number), and compare with the kind's `quantities` function
// in Python, computed by kltools, to 1e-9.
//
// Every reader can operate them: a draggable mark is a WAI-ARIA slider
// (dragger() gives it role="slider", a name, aria-valuenow/min/max and an
// aria-valuetext that reads as the page shows it, refreshed by save()), moved
// by the arrow keys, Page Up/Down, Home and End, by mouse and by touch, with
// a hit area of the bar's whole column whatever its height. A range slider's
// aria-valuetext is the value shown beside it (log sliders included). The
// numbers shown are not live regions; one polite summary of them is announced
// after each change (announce()). Infinite values are drawn as infinite
// (infinityMark()), never as a finite bar. Colours and text follow the
// page's light or dark theme through explore.css.

const SVG = "http://www.w3.org/2000/svg";
// The book's colours come from the model (kltools.plotting); these are the
// same values, used only if a model carries none.
let COLORS = { p: "#0072B2", q: "#D55E00", term: "#CC79A7" };

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function s(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function fmt(x, digits = 4) {
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  return x.toFixed(digits);
}

/** A labelled number display; `set` shows a value rounded, keeps it exact. */
function output(name, label, unit = "bits") {
  // an <output> is a live region: silenced here, announce() speaks for all
  const out = h("output", { "data-quantity": name, "aria-live": "off" });
  const row = h("div", { class: "kle-row kle-readout" }, h("span", { class: "kle-label" }, label), out,
    h("span", { class: "kle-unit" }, unit));
  out.dataset.label = label;
  out.dataset.unit = unit;
  return {
    row,
    set(value) {
      out.textContent = fmt(value);
      out.setAttribute("data-value", String(value));
    },
  };
}

/** A labelled range input; `log` makes the slider move in log10 steps. */
function slider(name, label, { min, max, step, value, log = false }) {
  const toSlider = (v) => (log ? Math.log10(v) : v);
  const fromSlider = (v) => (log ? 10 ** v : v);
  const input = h("input", {
    type: "range",
    "data-control": name,
    "aria-label": label,
    min: String(toSlider(min)),
    max: String(toSlider(max)),
    step: String(step),
  });
  input.value = String(toSlider(value));
  const shown = h("span", { class: "kle-value" });
  const row = h("label", { class: "kle-row" }, h("span", { class: "kle-label" }, label), input, shown);
  return {
    row,
    input,
    get value() {
      return fromSlider(Number(input.value));
    },
    show() {
      const v = this.value;
      shown.textContent = log ? v.toPrecision(3) : v.toFixed(2);
      input.setAttribute("aria-valuetext", shown.textContent);
    },
  };
}

/** Time a redraw; the duration is kept on the element for the browser tests. */
function timed(el, draw) {
  return () => {
    const t0 = performance.now();
    draw();
    el.setAttribute("data-render-ms", (performance.now() - t0).toFixed(3));
  };
}

/** Publish the current settings: to Python (model) and to the page (el). */
function save(model, el, values) {
  el.setAttribute("data-values", JSON.stringify(values));
  refreshAccess(el);
  if (el.__klLive) announce(el);
  model.set("values", values);
  model.save_changes();
}

// --- what assistive technology reads -------------------------------------------

/** Mark -> { name, value(), text(v) }: what its ARIA slider attributes say. */
const MARKS = new WeakMap();

/**
 * Bring every control's ARIA state up to date with what the widget shows: a
 * mark's aria-valuenow and aria-valuetext ("p(sun) 0.50"), a range slider's
 * aria-valuetext (the value shown beside it), and the hit areas of the bars.
 */
function refreshAccess(el) {
  for (const mark of el.querySelectorAll("[data-drag]")) {
    const info = MARKS.get(mark);
    if (!info) continue;
    const v = info.value();
    mark.setAttribute("aria-valuenow", String(Number.isFinite(v) ? Number(v.toFixed(6)) : v));
    mark.setAttribute("aria-valuetext", `${info.name} ${info.text(v)}`);
    info.hit?.();
  }
  for (const input of el.querySelectorAll("input[type='range']")) {
    const shown = input.parentElement?.querySelector(".kle-value");
    if (shown && shown.textContent) input.setAttribute("aria-valuetext", shown.textContent.trim());
  }
  for (const svg of el.querySelectorAll("svg.kle-narrow")) declutter(svg);
}

/** One polite announcement of the numbers shown, once the reader stops moving. */
function announce(el) {
  clearTimeout(el.__klAnnounce);
  el.__klAnnounce = setTimeout(() => {
    const live = el.querySelector(":scope > .kle-live");
    if (!live) return;
    const parts = [...el.querySelectorAll("output[data-quantity]")].map((o) =>
      `${o.dataset.label} ${o.textContent}${o.dataset.unit ? ` ${o.dataset.unit}` : ""}`);
    const text = parts.join("; ");
    if (live.textContent !== text) live.textContent = text;
  }, 600);
}

/** The value a key asks of a slider at `value`, or null for other keys. */
function keyValue(key, value, { step, page, min, max }) {
  switch (key) {
    case "ArrowUp":
    case "ArrowRight":
      return value + step;
    case "ArrowDown":
    case "ArrowLeft":
      return value - step;
    case "PageUp":
      return value + page;
    case "PageDown":
      return value - page;
    case "Home":
      return min;
    case "End":
      return max;
    default:
      return null;
  }
}

/**
 * Make `mark` (an SVG element) a WAI-ARIA slider named `name`, whose value is
 * `value()` in [min, max], read out as `${name} ${text(value)}`. Its SVG then
 * becomes a group (a role="img" may not hold focusable controls).
 */
function sliderMark(mark, { name, value, min = 0, max = 1, text = (v) => fmt(v, 2), orientation }) {
  mark.setAttribute("role", "slider");
  mark.setAttribute("tabindex", "0");
  mark.setAttribute("aria-label", name);
  mark.setAttribute("aria-valuemin", String(min));
  mark.setAttribute("aria-valuemax", String(max));
  if (orientation) mark.setAttribute("aria-orientation", orientation);
  mark.setAttribute("data-drag", "");
  const info = MARKS.get(mark) || {};
  MARKS.set(mark, Object.assign(info, { name, value, text }));
  return info;
}

/**
 * `dist` with outcome `i` set to `v` (clipped to [0, 1]); the other outcomes
 * are rescaled so the distribution still sums to 1, keeping their
 * proportions (equal shares if they were all 0).
 */
function withMass(dist, i, v) {
  const target = Math.min(Math.max(v, 0), 1);
  const rest = dist.reduce((a, b, j) => (j === i ? a : a + b), 0);
  return dist.map((x, j) => {
    if (j === i) return target;
    return rest > 0 ? (x / rest) * (1 - target) : (1 - target) / (dist.length - 1);
  });
}

/**
 * Dragging in an SVG. Returns `attach(mark, id)`, which makes a mark an ARIA
 * slider (see sliderMark; named `name(id)`, or by its aria-label) that
 * follows the pointer (mouse, pen or touch), calling `set(id, toValue(evt,
 * start))` with `start = { id, x0, y0, v0 }` from the pointerdown, and the
 * keys: arrows by `step`, Page Up/Down by `page`, Home/End to `min`/`max`.
 * A rect mark (a bar) also gets a transparent hit area over its whole column,
 * at least 24 units wide, so a bar dragged to zero can be grabbed again;
 * `hits: false` turns that off (for marks that do not grow from a baseline).
 */
function dragger(svg, {
  toValue, get, set, step = 0.02, page = 0.1, min = 0, max = 1,
  name, text, orientation = "vertical", hits = true,
}) {
  let dragging = null;
  svg.addEventListener("pointermove", (evt) => dragging !== null && set(dragging.id, toValue(evt, dragging)));
  const stop = () => (dragging = null);
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  svg.addEventListener("lostpointercapture", stop);
  svg.setAttribute("role", "group");
  return (mark, id) => {
    const label = name ? name(id) : mark.getAttribute("aria-label") || String(id);
    const info = sliderMark(mark, { name: label, value: () => get(id), min, max, text, orientation });
    const down = (evt) => {
      if (evt.button > 0) return;
      evt.preventDefault(); // no text selection, no scrolling, no emulated mouse
      mark.focus({ preventScroll: true });
      dragging = { id, x0: evt.clientX, y0: evt.clientY, v0: get(id) };
      svg.setPointerCapture?.(evt.pointerId);
      set(id, toValue(evt, dragging));
    };
    mark.addEventListener("pointerdown", down);
    mark.addEventListener("keydown", (evt) => {
      const v = keyValue(evt.key, get(id), { step, page, min, max });
      if (v === null) return;
      evt.preventDefault();
      set(id, v); // set() keeps the value in range, as for the pointer
    });
    if (hits && mark.tagName.toLowerCase() === "rect") {
      const hit = s("rect", { class: "kle-hit", "aria-hidden": "true", "data-hit": "" });
      hit.addEventListener("pointerdown", down);
      info.hit = () => placeHit(svg, mark, hit);
    }
  };
}

/** Keep a bar's hit area over its column, from the top of the SVG to just
 *  below the bar's baseline, above everything else drawn. */
function placeHit(svg, mark, hit) {
  if (!mark.isConnected) {
    hit.remove();
    return;
  }
  let layer = svg.querySelector(":scope > g.kle-hits");
  if (!layer) layer = s("g", { class: "kle-hits" });
  if (svg.lastChild !== layer) svg.append(layer);
  if (hit.parentNode !== layer) layer.append(hit);
  const x = Number(mark.getAttribute("x")), w = Number(mark.getAttribute("width"));
  const base = Number(mark.getAttribute("y")) + Number(mark.getAttribute("height") || 0);
  if (!Number.isFinite(base)) return;
  const [x0, x1] = mark.__klColumn || [x, x + w];
  // 24 CSS px, whatever the figure's scale on the screen (frame() keeps it)
  const least = 24 * (svg.__klScale || 1);
  const pad = Math.max(0, (least - (x1 - x0)) / 2);
  hit.setAttribute("x", (x0 - pad).toFixed(2));
  hit.setAttribute("width", (x1 - x0 + 2 * pad).toFixed(2));
  hit.setAttribute("y", "0");
  hit.setAttribute("height", Math.max(base + 4, least).toFixed(2));
}

/** A pointer event's height in an SVG, as a value that is 0 at y = `zero`
 *  and 1 at y = `one` (both in viewBox units). (`height`, the viewBox's
 *  height when drawn, is read from the SVG: a narrow figure grows taller.) */
function pointerValue(svg, evt, height, zero, one) {
  const box = svg.getBoundingClientRect();
  const yy = ((evt.clientY - box.top) / box.height) * (svg.viewBox.baseVal.height || height);
  return (zero - yy) / (zero - one);
}

/** Draggable bars of two distributions p and q side by side in each of `n`
 *  slots of width `slot` from x = `left`, named "p(label)" after `labels`
 *  ("outcome 1", ... by default); returns { p: [...], q: [...] }. Each bar's
 *  hit area is its half of the slot. */
function pairBars(svg, n, left, slot, width, labels = []) {
  const bars = { p: [], q: [] };
  for (let i = 0; i < n; i++) {
    const label = labels[i] ?? `outcome ${i + 1}`;
    for (const [k, dx, half] of [["p", 0.12, 0], ["q", 0.52, 0.5]]) {
      const r = s("rect", {
        x: left + slot * i + slot * dx, width, fill: COLORS[k],
        "data-bar": `${k}-${i}`, "data-drag": "", class: "kle-bar", tabindex: 0,
        "aria-label": `${k}(${label})`,
      });
      r.__klColumn = [left + slot * (i + half) + slot * 0.02, left + slot * (i + half + 0.5) - slot * 0.02];
      bars[k].push(r);
      svg.append(r);
    }
  }
  return bars;
}

/** The L-shaped frame of a plot whose area is (L, T)-(W - R, H - B), with
 *  labelled ticks at the values `xticks` (placed by `x`) along the bottom. */
function plotFrame(svg, { W, H, L, R, T, B }, x, xticks) {
  svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kle-frame" }));
  for (const v of xticks) {
    const t = s("text", { x: x(v), y: H - B + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
}

/** The figure's SVG, `width` x `height` viewBox units, as wide as the widget.
 *  When it is drawn smaller than its viewBox (on a phone), its text is
 *  enlarged (--kle-zoom, used by explore.css) so that it stays at least 11 px. */
function frame(width, height) {
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "kle-plot" });
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => {
      const shown = svg.getBoundingClientRect().width;
      if (!shown) return;
      const zoom = Math.min(Math.max(width / shown, 1), 2);
      svg.__klScale = Math.max(width / shown, 1); // viewBox units per CSS px
      for (const mark of svg.querySelectorAll("[data-drag]")) MARKS.get(mark)?.hit?.();
      svg.style.setProperty("--kle-zoom", zoom.toFixed(3));
      svg.classList.toggle("kle-narrow", zoom > 1.02);
      // room below the bottom axis for its larger tick labels: the axis
      // titles there move down, the figure grows taller
      const extra = zoom > 1.02 ? Math.round((zoom - 1) * 18) : 0;
      svg.setAttribute("viewBox", `0 0 ${width} ${height + extra}`);
      for (const t of svg.querySelectorAll("text.kle-axis:not([transform])")) {
        if (Number(t.getAttribute("y")) > height - 20) t.setAttribute("dy", String(extra));
      }
      declutter(svg);
    }).observe(svg);
  }
  return svg;
}

/**
 * On a narrow figure, whose text core.js enlarges, move back inside the
 * figure any label that runs off its sides, then hide any label that would
 * overlap one kept before it: axis titles first, then the rest in the order
 * drawn. (A wide figure is laid out so that nothing overlaps.)
 */
function declutter(svg) {
  const texts = [...svg.querySelectorAll("text")];
  for (const t of texts) {
    t.style.removeProperty("visibility");
    if (t.hasAttribute("data-kle-dx")) t.removeAttribute("dx");
  }
  if (!svg.classList.contains("kle-narrow") || !svg.isConnected) return;
  // first, pull back inside the figure any label that runs off its sides
  const box = svg.getBoundingClientRect();
  const units = svg.viewBox.baseVal.width / box.width;
  for (const t of texts) {
    if (t.hasAttribute("transform")) continue;
    const r = t.getBoundingClientRect();
    const dx = r.right > box.right ? box.right - r.right : r.left < box.left ? box.left - r.left : 0;
    if (dx && r.width <= box.width) {
      t.setAttribute("dx", (dx * units).toFixed(1));
      t.setAttribute("data-kle-dx", "");
    }
  }
  const order = [...texts.filter((t) => t.classList.contains("kle-axis")),
    ...texts.filter((t) => !t.classList.contains("kle-axis"))];
  const kept = [];
  for (const t of order) {
    const r = t.getBoundingClientRect();
    if (!t.textContent || r.width === 0 || t.closest("[style*='display: none']")) continue;
    const hit = kept.some((k) => r.left < k.right - 1 && k.left < r.right - 1 && r.top < k.bottom - 1 && k.top < r.bottom - 1);
    if (hit) t.style.visibility = "hidden";
    else kept.push(r);
  }
}

/**
 * An infinite value drawn as infinite: an arrow that runs off the plot, and
 * "∞" beside its head. Returns { show(x, from, to), showRight(from, to, y),
 * hide() }: a vertical arrow at x from y = from to y = to, or a horizontal
 * one at y from x = from to x = to.
 */
function infinityMark(svg, color = "currentColor") {
  const g = s("g", { class: "kle-infinity", "data-infinity": "", "aria-hidden": "true" });
  const line = s("line", { stroke: color, "stroke-width": 2.5 });
  const head = s("path", { fill: color });
  const label = s("text", { class: "kle-tick kle-inf-label", "text-anchor": "middle" });
  label.textContent = "∞";
  g.append(line, head, label);
  g.style.display = "none";
  svg.append(g);
  const arrow = (xa, ya, xb, yb, lx, ly) => {
    const len = Math.hypot(xb - xa, yb - ya) || 1;
    const ux = (xb - xa) / len, uy = (yb - ya) / len;
    const bx = xb - 9 * ux, by = yb - 9 * uy; // the base of the head
    g.style.display = "";
    for (const [k, v] of [["x1", xa], ["y1", ya], ["x2", bx], ["y2", by]]) line.setAttribute(k, v.toFixed(2));
    const pts = [[xb, yb], [bx - 5 * uy, by + 5 * ux], [bx + 5 * uy, by - 5 * ux]];
    head.setAttribute("d", `M${pts.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join("L")}Z`);
    label.setAttribute("x", lx.toFixed(2));
    label.setAttribute("y", ly.toFixed(2));
  };
  return {
    show(x, from, to) {
      arrow(x, from, x, to, x + 12, to + (to < from ? 12 : 0));
    },
    showRight(from, to, y) {
      arrow(from, y, to, y, to + 10, y + 4);
    },
    hide() {
      g.style.display = "none";
    },
  };
}

/**
 * A legend entry: a swatch in the colour (a box, a line, a dashed line or a
 * dot, hidden from screen readers) and the text in the page's own colour,
 * so the text keeps its contrast in both themes whatever the swatch's.
 */
function legendKey(color, text, shape = "box") {
  const sw = s("svg", { width: 18, height: 10, viewBox: "0 0 18 10", class: "kle-swatch", "aria-hidden": "true" });
  if (shape === "box") sw.append(s("rect", { x: 4, y: 0, width: 10, height: 10, fill: color }));
  else if (shape === "dot") sw.append(s("circle", { cx: 9, cy: 5, r: 4, fill: color }));
  else {
    sw.append(s("line", {
      x1: 0, y1: 5, x2: 18, y2: 5, stroke: color, "stroke-width": shape === "thick" ? 4 : 2.5,
      "stroke-dasharray": shape === "dash" ? "5 3" : shape === "dots" ? "2 3" : "",
    }));
  }
  return h("span", { class: "kle-key" }, sw, text);
}

function axisLabel(svg, text, x, y, rotate = false) {
  const t = s("text", { x, y, "text-anchor": "middle", class: "kle-axis" });
  if (rotate) t.setAttribute("transform", `rotate(-90 ${x} ${y})`);
  t.textContent = text;
  svg.append(t);
  return t;
}

const RENDERERS = {};

function render({ model, el }) {
  COLORS = { ...COLORS, ...(model.get("colors") || {}) };
  const kind = model.get("kind");
  el.classList.add("kl-explorable");
  el.setAttribute("data-kind", kind);
  el.setAttribute("data-params", JSON.stringify(model.get("params")));
  const renderer = RENDERERS[kind];
  if (!renderer) {
    el.textContent = `kltools explorable: unknown kind ${JSON.stringify(kind)}`;
    return;
  }
  renderer({ model, el });
  if (!el.classList.contains("kl-explorable")) return;
  // one polite summary of the numbers, spoken after each change (announce)
  el.append(h("div", { class: "kle-live kle-sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true" }));
  el.__klLive = true;
}

export default { render };
