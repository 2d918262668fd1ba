// explore.js: the renderers of kltools' explorables (anywidget front end).
//
// kltools/explore.py concatenates klmath.js and this file into the widget's
// ES module, which is saved in the notebook's widget state, so the same code
// runs in Jupyter, in Colab and on the static site with no kernel.
//
// Each explorable has a `kind` (a key of RENDERERS) and `params` (its initial
// settings). A renderer builds controls and an SVG figure inside `el`, and on
// every change recomputes with klmath.js, redraws, and writes the current
// settings back to the model's `values` (read by Python in a live kernel).
// Numbers are shown rounded; each <output> also carries its full-precision
// value in data-value, which the browser tests compare with kltools.

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

function save(model, values) {
  model.set("values", values);
  model.save_changes();
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

// --- black swan: two beliefs about one swan -----------------------------------

function blackSwan({ model, el }) {
  const params = model.get("params");
  const prior = slider("prior", "q(black), before", {
    min: 1e-4, max: 0.99, step: 0.01, value: params.prior, log: true,
  });
  const posterior = slider("posterior", "p(black), after", {
    min: 0, max: 1, step: 0.01, value: params.posterior,
  });
  const outs = { kl_pq: output("kl_pq", "D(p‖q), surprise of the update"), kl_qp: output("kl_qp", "D(q‖p)") };
  const W = 480, H = 230, L = 50, R = 10, T = 10, B = 40, split = 340;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Surprise D(p||q) in bits against the prior q(black), and bars of the two beliefs");
  const qmin = 1e-4, qmax = 0.99, smax = 14;
  const lq = (q) => (Math.log10(q) - Math.log10(qmin)) / (Math.log10(qmax) - Math.log10(qmin));
  const x = (q) => L + lq(q) * (split - L - 10);
  const y = (bits) => T + (1 - Math.min(bits, smax) / smax) * (H - T - B);
  svg.append(s("line", { x1: L, y1: H - B, x2: split - 10, y2: H - B, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kle-frame" }));
  for (const q of [1e-4, 1e-3, 1e-2, 1e-1]) {
    const t = s("text", { x: x(q), y: H - B + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(q);
    svg.append(t);
  }
  for (const b of [0, 4, 8, 12]) {
    const t = s("text", { x: L - 6, y: y(b) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(b);
    svg.append(t);
  }
  axisLabel(svg, "prior q(black), log scale", (L + split - 10) / 2, H - 6);
  axisLabel(svg, "D(p‖q) (bits)", 14, (T + H - B) / 2, true);
  const curve = s("polyline", { fill: "none", stroke: COLORS.q, "stroke-width": 2 });
  const dot = s("circle", { r: 6, fill: COLORS.p, "data-marker": "current" });
  svg.append(curve, dot);
  // the two beliefs as bars: black and white, p beside q
  const bx = (i, k) => split + 20 + i * 60 + (k === "p" ? 0 : 24);
  const by = (v) => T + (1 - v) * (H - T - B);
  const belief = { p: [], q: [] };
  for (const [i, colour] of ["black", "white"].entries()) {
    for (const k of ["p", "q"]) {
      const r = s("rect", { x: bx(i, k), width: 22, fill: COLORS[k], "data-belief": `${k}-${colour}` });
      belief[k].push(r);
      svg.append(r);
    }
    const t = s("text", { x: bx(i, "p") + 23, y: H - B + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = colour;
    svg.append(t);
  }
  svg.append(s("line", { x1: split + 14, y1: H - B, x2: W - R, y2: H - B, class: "kle-frame" }));
  axisLabel(svg, "belief", (split + W) / 2 + 4, H - 6);
  const legend = h("div", { class: "kle-legend" },
    h("span", { style: `color:${COLORS.p}` }, "■ p, after"), "  ",
    h("span", { style: `color:${COLORS.q}` }, "■ q, before"),
    " — the curve is D(p‖q) for every prior, at the current p");

  const draw = timed(el, () => {
    const q = prior.value, p = posterior.value;
    prior.show();
    posterior.show();
    const P = [p, 1 - p], Q = [q, 1 - q];
    outs.kl_pq.set(klDivergence(P, Q));
    outs.kl_qp.set(klDivergence(Q, P));
    const pts = [];
    for (let i = 0; i <= 100; i++) {
      const qq = 10 ** (Math.log10(qmin) + (i / 100) * (Math.log10(qmax) - Math.log10(qmin)));
      pts.push(`${x(qq).toFixed(1)},${y(klDivergence(P, [qq, 1 - qq])).toFixed(1)}`);
    }
    curve.setAttribute("points", pts.join(" "));
    dot.setAttribute("cx", x(q).toFixed(2));
    dot.setAttribute("cy", y(klDivergence(P, Q)).toFixed(2));
    for (const [k, d] of [["p", P], ["q", Q]]) {
      d.forEach((v, i) => {
        belief[k][i].setAttribute("y", by(v).toFixed(2));
        belief[k][i].setAttribute("height", (H - B - by(v)).toFixed(2));
      });
    }
    save(model, { prior: q, posterior: p });
  });
  prior.input.addEventListener("input", draw);
  posterior.input.addEventListener("input", draw);
  el.append(prior.row, posterior.row, outs.kl_pq.row, outs.kl_qp.row, svg, legend);
  draw();
}

// --- two distributions the reader drags ----------------------------------------

function twoDistributions({ model, el }) {
  const params = model.get("params");
  const dist = { p: normalize(params.p), q: normalize(params.q) };
  const n = dist.p.length;
  const outs = {
    kl_pq: output("kl_pq", "D(p‖q)"),
    kl_qp: output("kl_qp", "D(q‖p)"),
    js: output("js", "JS(p, q)"),
  };
  const W = 480, H = 300, L = 62, R = 10, T = 10, B = 36;
  const mid = T + 150; // bars above, pointwise terms below
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Bars of p and q to drag, and the pointwise terms p log(p/q)");
  const slot = (W - L - R) / n;
  const barW = slot * 0.36;
  const yBar = (v) => mid - 10 - v * (mid - 10 - T);
  svg.append(s("line", { x1: L, y1: mid - 10, x2: W - R, y2: mid - 10, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: mid - 10, class: "kle-frame" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: L - 6, y: yBar(v) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
  axisLabel(svg, "probability", 14, (T + mid) / 2, true);
  axisLabel(svg, "term (bits)", 14, (mid + H - B) / 2 + 10, true);
  const bars = { p: [], q: [] };
  const terms = [];
  const zeroLine = s("line", { x1: L, x2: W - R, class: "kle-frame" });
  svg.append(zeroLine);
  // the lower panel rescales to its largest finite term; ticks show the scale
  const termTicks = [1, 0, -1].map((sign) => {
    const t = s("text", { x: L - 6, "text-anchor": "end", class: "kle-tick", "data-sign": sign });
    svg.append(t);
    return t;
  });
  for (let i = 0; i < n; i++) {
    for (const [k, dx] of [["p", 0.12], ["q", 0.52]]) {
      const r = s("rect", {
        x: L + slot * i + slot * dx, width: barW, fill: COLORS[k],
        "data-bar": `${k}-${i}`, class: "kle-bar", tabindex: 0,
        "aria-label": `${k} of outcome ${i + 1}: drag to change`,
      });
      bars[k].push(r);
      svg.append(r);
    }
    const t = s("rect", { x: L + slot * i + slot * 0.3, width: slot * 0.4, fill: COLORS.term, "data-term": String(i) });
    terms.push(t);
    svg.append(t);
    const lab = s("text", { x: L + slot * (i + 0.5), y: H - 8, "text-anchor": "middle", class: "kle-tick" });
    lab.textContent = (params.labels || [])[i] ?? `outcome ${i + 1}`;
    svg.append(lab);
  }
  const legend = h("div", { class: "kle-legend" },
    h("span", { style: `color:${COLORS.p}` }, "■ p"), " ",
    h("span", { style: `color:${COLORS.q}` }, "■ q"), " ",
    h("span", { style: `color:${COLORS.term}` }, "■ p·log₂(p/q)"),
    " — drag the top of a bar to reshape p or q");

  const draw = timed(el, () => {
    const { p, q } = dist;
    outs.kl_pq.set(klDivergence(p, q));
    outs.kl_qp.set(klDivergence(q, p));
    outs.js.set(jsDivergence(p, q));
    const tv = klTerms(p, q);
    const finite = tv.filter(Number.isFinite).map(Math.abs);
    const scale = Math.max(0.5, ...finite);
    const termH = H - B - 20 - (mid + 10);
    const y0 = mid + 10 + termH / 2;
    zeroLine.setAttribute("y1", y0);
    zeroLine.setAttribute("y2", y0);
    for (const t of termTicks) {
      const sign = Number(t.getAttribute("data-sign"));
      t.setAttribute("y", (y0 - sign * (termH / 2) + 4).toFixed(1));
      t.textContent = sign === 0 ? "0" : (sign * scale).toFixed(2);
    }
    for (let i = 0; i < n; i++) {
      for (const k of ["p", "q"]) {
        const v = dist[k][i];
        bars[k][i].setAttribute("y", yBar(v).toFixed(2));
        bars[k][i].setAttribute("height", (mid - 10 - yBar(v)).toFixed(2));
        bars[k][i].setAttribute("data-value", String(v));
      }
      const t = Number.isFinite(tv[i]) ? tv[i] : scale;
      const hgt = (Math.abs(t) / scale) * (termH / 2);
      terms[i].setAttribute("y", (t >= 0 ? y0 - hgt : y0).toFixed(2));
      terms[i].setAttribute("height", hgt.toFixed(2));
      terms[i].setAttribute("data-value", String(tv[i]));
    }
    save(model, { p: [...p], q: [...q] });
  });

  // Dragging a bar sets that outcome's probability; the others are rescaled
  // so the distribution still sums to 1, keeping their proportions.
  function setMass(k, i, v) {
    const target = Math.min(Math.max(v, 0), 1);
    const rest = dist[k].reduce((a, b, j) => (j === i ? a : a + b), 0);
    dist[k] = dist[k].map((x, j) => {
      if (j === i) return target;
      return rest > 0 ? (x / rest) * (1 - target) : (1 - target) / (n - 1);
    });
    draw();
  }
  let dragging = null;
  const toValue = (evt) => {
    const box = svg.getBoundingClientRect();
    const yy = ((evt.clientY - box.top) / box.height) * H;
    return (mid - 10 - yy) / (mid - 10 - T);
  };
  for (const k of ["p", "q"]) {
    bars[k].forEach((bar, i) => {
      bar.addEventListener("pointerdown", (evt) => {
        dragging = [k, i];
        svg.setPointerCapture?.(evt.pointerId);
        setMass(k, i, toValue(evt));
      });
      bar.addEventListener("keydown", (evt) => {
        const step = { ArrowUp: 0.02, ArrowDown: -0.02 }[evt.key];
        if (step) {
          evt.preventDefault();
          setMass(k, i, dist[k][i] + step);
        }
      });
    });
  }
  svg.addEventListener("pointermove", (evt) => dragging && setMass(dragging[0], dragging[1], toValue(evt)));
  const stop = () => (dragging = null);
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  el.append(outs.kl_pq.row, outs.kl_qp.row, outs.js.row, svg, legend);
  draw();
}

// --- two Gaussians -------------------------------------------------------------

function gaussians({ model, el }) {
  const params = model.get("params");
  const ctl = {
    mu_p: slider("mu_p", "mean of p, μ_p", { min: -4, max: 4, step: 0.05, value: params.mu_p }),
    sigma_p: slider("sigma_p", "std. dev. of p, σ_p", { min: 0.2, max: 3, step: 0.05, value: params.sigma_p }),
    mu_q: slider("mu_q", "mean of q, μ_q", { min: -4, max: 4, step: 0.05, value: params.mu_q }),
    sigma_q: slider("sigma_q", "std. dev. of q, σ_q", { min: 0.2, max: 3, step: 0.05, value: params.sigma_q }),
  };
  const outs = { kl_pq: output("kl_pq", "D(p‖q)"), kl_qp: output("kl_qp", "D(q‖p)") };
  const W = 480, H = 220, L = 50, R = 10, T = 10, B = 40;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Densities of the two Gaussians p and q");
  const xmin = -8, xmax = 8;
  let ymax = 1;
  const x = (v) => L + ((v - xmin) / (xmax - xmin)) * (W - L - R);
  const y = (d) => T + (1 - Math.min(d, ymax) / ymax) * (H - T - B);
  svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kle-frame" }));
  for (const v of [-8, -4, 0, 4, 8]) {
    const t = s("text", { x: x(v), y: H - B + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
  axisLabel(svg, "x", (L + W - R) / 2, H - 6);
  axisLabel(svg, "density", 14, (T + H - B) / 2, true);
  const curves = {
    p: s("path", { fill: "none", stroke: COLORS.p, "stroke-width": 2, "data-curve": "p" }),
    q: s("path", { fill: "none", stroke: COLORS.q, "stroke-width": 2, "data-curve": "q" }),
  };
  svg.append(curves.p, curves.q);
  const yTicks = [0, 0.5, 1].map((f) => {
    const t = s("text", { x: L - 6, "text-anchor": "end", class: "kle-tick", "data-frac": f });
    svg.append(t);
    return t;
  });
  const legend = h("div", { class: "kle-legend" },
    h("span", { style: `color:${COLORS.p}` }, "— p"), "  ",
    h("span", { style: `color:${COLORS.q}` }, "— q"));

  const path = (mu, sigma) => {
    const pts = [];
    for (let i = 0; i <= 200; i++) {
      const v = xmin + (i / 200) * (xmax - xmin);
      pts.push(`${i ? "L" : "M"}${x(v).toFixed(1)},${y(gaussianPdf(v, mu, sigma)).toFixed(1)}`);
    }
    return pts.join("");
  };
  const draw = timed(el, () => {
    const v = Object.fromEntries(Object.entries(ctl).map(([k, c]) => [k, c.value]));
    Object.values(ctl).forEach((c) => c.show());
    outs.kl_pq.set(gaussianKL(v.mu_p, v.sigma_p, v.mu_q, v.sigma_q));
    outs.kl_qp.set(gaussianKL(v.mu_q, v.sigma_q, v.mu_p, v.sigma_p));
    // the taller curve fills the frame: the peak density is 1/(σ√(2π))
    ymax = 1.1 / (Math.min(v.sigma_p, v.sigma_q) * Math.sqrt(2 * Math.PI));
    for (const t of yTicks) {
      const d = Number(t.getAttribute("data-frac")) * ymax;
      t.setAttribute("y", (y(d) + 4).toFixed(1));
      t.textContent = d.toFixed(2);
    }
    curves.p.setAttribute("d", path(v.mu_p, v.sigma_p));
    curves.q.setAttribute("d", path(v.mu_q, v.sigma_q));
    save(model, v);
  });
  Object.values(ctl).forEach((c) => c.input.addEventListener("input", draw));
  el.append(...Object.values(ctl).map((c) => c.row), outs.kl_pq.row, outs.kl_qp.row, svg, legend);
  draw();
}

const RENDERERS = { black_swan: blackSwan, two_distributions: twoDistributions, gaussians };

function render({ model, el }) {
  COLORS = { ...COLORS, ...(model.get("colors") || {}) };
  const kind = model.get("kind");
  const renderer = RENDERERS[kind];
  el.classList.add("kl-explorable");
  el.setAttribute("data-kind", kind);
  if (!renderer) {
    el.textContent = `kltools explorable: unknown kind ${JSON.stringify(kind)}`;
    return;
  }
  renderer({ model, el });
}

export default { render };
