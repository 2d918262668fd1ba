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
  return x.toFixed(digits);
}

/** A labelled number display; `set` shows a value rounded, keeps it exact. */
function output(name, label, unit = "bits") {
  const out = h("output", { "data-quantity": name });
  const row = h("div", { class: "kle-row" }, h("span", { class: "kle-label" }, label), out, ` ${unit}`);
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
  model.set("values", values);
  model.save_changes();
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
 * Vertical dragging in an SVG. Returns `attach(mark, id)`, which makes a mark
 * (mark it `data-drag` and `tabindex`) follow the pointer, calling
 * `set(id, toValue(evt))`, and the arrow keys, calling `set(id, get(id) ± step)`.
 */
function dragger(svg, { toValue, get, set, step = 0.02 }) {
  let dragging = null;
  svg.addEventListener("pointermove", (evt) => dragging !== null && set(dragging, toValue(evt)));
  const stop = () => (dragging = null);
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  return (mark, id) => {
    mark.addEventListener("pointerdown", (evt) => {
      dragging = id;
      svg.setPointerCapture?.(evt.pointerId);
      set(id, toValue(evt));
    });
    mark.addEventListener("keydown", (evt) => {
      const d = { ArrowUp: step, ArrowDown: -step }[evt.key];
      if (d) {
        evt.preventDefault();
        set(id, get(id) + d);
      }
    });
  };
}

/** A pointer event's height in an SVG of viewBox height `height`, as a value
 *  that is 0 at y = `zero` and 1 at y = `one` (both in viewBox units). */
function pointerValue(svg, evt, height, zero, one) {
  const box = svg.getBoundingClientRect();
  const yy = ((evt.clientY - box.top) / box.height) * height;
  return (zero - yy) / (zero - one);
}

/** Draggable bars of two distributions p and q side by side in each of `n`
 *  slots of width `slot` from x = `left`; returns { p: [...], q: [...] }. */
function pairBars(svg, n, left, slot, width) {
  const bars = { p: [], q: [] };
  for (let i = 0; i < n; i++) {
    for (const [k, dx] of [["p", 0.12], ["q", 0.52]]) {
      const r = s("rect", {
        x: left + slot * i + slot * dx, width, fill: COLORS[k],
        "data-bar": `${k}-${i}`, "data-drag": "", class: "kle-bar", tabindex: 0,
        "aria-label": `${k} of outcome ${i + 1}: drag to change`,
      });
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

function frame(width, height) {
  return s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "kle-plot" });
}

function axisLabel(svg, text, x, y, rotate = false) {
  const t = s("text", { x, y, "text-anchor": "middle", class: "kle-axis" });
  if (rotate) t.setAttribute("transform", `rotate(-90 ${x} ${y})`);
  t.textContent = text;
  svg.append(t);
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
}

export default { render };
