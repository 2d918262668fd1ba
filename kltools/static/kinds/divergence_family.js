// kinds/divergence_family.js: a renderer of kltools.explore (see core.js for the contract).

// --- seven measures of how far apart two dragged distributions are -------------

// Ports of kltools.total_variation, kltools.hellinger and the chi-squared
// f-divergence (kltools.f_divergence with f(t) = (t - 1)^2), computed the way
// kltools computes them so the numbers agree to rounding.

/** Distances in [0, 1] from a sum of differences (near) or 1 - overlap (far). */
function nearOrFar(near, overlap) {
  return Math.min(Math.max(overlap < 0.5 ? 1 - overlap : near, 0), 1);
}

/** Total variation: half the L1 distance; exactly 1 for disjoint supports. */
function totalVariation(p, q) {
  let near = 0, overlap = 0;
  for (let i = 0; i < p.length; i++) {
    near += Math.abs(p[i] - q[i]);
    overlap += Math.min(p[i], q[i]);
  }
  return nearOrFar(0.5 * near, overlap);
}

/** Hellinger distance sqrt(1 - sum sqrt(p q)), in [0, 1]. */
function hellingerDistance(p, q) {
  let near = 0, overlap = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.sqrt(p[i]), b = Math.sqrt(q[i]);
    near += (a - b) * (a - b);
    overlap += a * b;
  }
  return Math.sqrt(nearOrFar(0.5 * near, overlap));
}

/** Pearson chi-squared sum_i q_i (p_i/q_i - 1)^2; Infinity if q_i = 0 < p_i. */
function chiSquared(p, q) {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (q[i] > 0) {
      const d = p[i] / q[i] - 1;
      s += q[i] * (d * d);
    } else if (p[i] > 0) {
      return Infinity;
    }
  }
  return Math.max(s, 0);
}

function divergenceFamily({ model, el }) {
  const params = model.get("params");
  const start = { p: normalize(params.p), q: normalize(params.q) };
  let dist = { p: [...start.p], q: [...start.q] };
  const n = dist.p.length;
  const outs = {
    kl_pq: output("kl_pq", "KL D(p‖q)"),
    kl_qp: output("kl_qp", "reverse KL D(q‖p)"),
    chi2: output("chi2", "chi-squared χ²(p‖q)", ""),
    js: output("js", "Jensen-Shannon JS(p, q)"),
    js_distance: output("js_distance", "JS distance √JS (base 2)", ""),
    tv: output("tv", "total variation δ(p, q)", ""),
    hellinger: output("hellinger", "Hellinger d_H(p, q)", ""),
    pinsker: output("pinsker", "Pinsker's bound on δ", ""),
    bh: output("bh", "Bretagnolle–Huber bound on δ", ""),
  };
  const button = (name, text) =>
    h("button", { type: "button", "data-control": name, class: "kle-button" }, text);
  const swap = button("swap", "swap p and q");
  const disjoint = button("disjoint", "disjoint supports");
  const reset = button("reset", "reset");
  const buttons = h("div", { class: "kle-row" }, swap, disjoint, reset);

  // upper figure: the bars of p and q, to drag
  const W = 480, H = 200, L = 62, R = 10, T = 10, B = 26;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Bars of p and q over the outcomes; drag a bar to change it");
  const base = H - B;
  const slot = (W - L - R) / n;
  const barW = slot * 0.36;
  const yBar = (v) => base - v * (base - T);
  svg.append(s("line", { x1: L, y1: base, x2: W - R, y2: base, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: base, class: "kle-frame" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: L - 6, y: yBar(v) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
  axisLabel(svg, "probability", 14, (T + base) / 2, true);
  const bars = pairBars(svg, n, L, slot, barW, params.labels || []);
  for (let i = 0; i < n; i++) {
    const lab = s("text", { x: L + slot * (i + 0.5), y: H - 8, "text-anchor": "middle", class: "kle-tick" });
    lab.textContent = (params.labels || [])[i] ?? `outcome ${i + 1}`;
    svg.append(lab);
  }

  // lower figure: the four measures bounded by 1, and two bounds on TV
  const rows = [
    ["js", "JS (bits)"], ["js_distance", "JS distance"], ["tv", "total variation"], ["hellinger", "Hellinger"],
  ];
  const W2 = 480, RH = 24, T2 = 8, L2 = 120, R2 = 30;
  const H2 = T2 + RH * rows.length + 30;
  const svg2 = frame(W2, H2);
  svg2.setAttribute("aria-label", "The four bounded measures as horizontal bars between 0 and 1, with Pinsker's and the Bretagnolle–Huber bound marked on total variation");
  const xv = (v) => L2 + v * (W2 - L2 - R2);
  const bottom = T2 + RH * rows.length;
  svg2.append(s("line", { x1: L2, y1: T2, x2: L2, y2: bottom, class: "kle-frame" }));
  svg2.append(s("line", { x1: L2, y1: bottom, x2: W2 - R2, y2: bottom, class: "kle-frame" }));
  svg2.append(s("line", { x1: xv(1), y1: T2, x2: xv(1), y2: bottom, class: "kle-frame", "stroke-dasharray": "3 3" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: xv(v), y: bottom + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(v);
    svg2.append(t);
  }
  axisLabel(svg2, "value (its largest possible value is 1)", (L2 + W2 - R2) / 2, H2 - 2);
  const hbars = {};
  rows.forEach(([key, label], j) => {
    const y = T2 + RH * j;
    const t = s("text", { x: L2 - 6, y: y + RH / 2 + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = label;
    const r = s("rect", { x: L2, y: y + 5, height: RH - 10, fill: j < 2 ? COLORS.term : "#009E73" });
    hbars[key] = r;
    svg2.append(t, r);
  });
  const tvRow = T2 + RH * 2;
  const pinsker = s("line", {
    y1: tvRow + 1, y2: tvRow + RH - 1, class: "kle-ink-line", "stroke-width": 2.5, "data-marker": "pinsker",
  });
  const pinskerLab = s("text", { y: tvRow + RH / 2 + 4, class: "kle-tick" });
  const bhMark = s("line", {
    y1: tvRow + 1, y2: tvRow + RH - 1, stroke: "#009E73", "stroke-width": 2.5,
    "stroke-dasharray": "3 2", "data-marker": "bretagnolle-huber",
  });
  svg2.append(pinsker, pinskerLab, bhMark);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p", "box"), " ",
    legendKey(COLORS.q, "q", "box"),
    " — drag the top of a bar (or focus it and use the arrow keys); ",
    legendKey("currentColor", "Pinsker's bound √(D/2),", "thick"), " ",
    legendKey("#009E73", "Bretagnolle–Huber √(1 − e^−D),", "dots"), " D the smaller KL in nats");

  const draw = timed(el, () => {
    const { p, q } = dist;
    const v = {
      kl_pq: klDivergence(p, q),
      kl_qp: klDivergence(q, p),
      chi2: chiSquared(p, q),
      js: jsDivergence(p, q),
      tv: totalVariation(p, q),
      hellinger: hellingerDistance(p, q),
    };
    v.js_distance = Math.sqrt(v.js);
    // both bound TV, for either direction of KL: use the smaller, in nats
    const dNats = Math.min(v.kl_pq, v.kl_qp) * Math.LN2;
    v.pinsker = Math.sqrt(dNats / 2);
    v.bh = Math.sqrt(-Math.expm1(-dNats));
    for (const [key, out] of Object.entries(outs)) out.set(v[key]);
    for (let i = 0; i < n; i++) {
      for (const k of ["p", "q"]) {
        const x = dist[k][i];
        bars[k][i].setAttribute("y", yBar(x).toFixed(2));
        bars[k][i].setAttribute("height", (base - yBar(x)).toFixed(2));
        bars[k][i].setAttribute("data-value", String(x));
      }
    }
    for (const [key] of rows) hbars[key].setAttribute("width", (xv(v[key]) - L2).toFixed(2));
    // Pinsker: TV <= sqrt(D / 2), off the scale ("≥ 1") once D > 2 nats;
    // Bretagnolle-Huber: TV <= sqrt(1 - exp(-D)), below 1 for every finite D
    const at = xv(Math.min(v.pinsker, 1));
    pinsker.setAttribute("x1", at.toFixed(2));
    pinsker.setAttribute("x2", at.toFixed(2));
    pinskerLab.setAttribute("x", (at + 4).toFixed(2));
    pinskerLab.textContent = v.pinsker >= 1 ? "≥ 1" : "";
    const atBh = xv(v.bh);
    bhMark.setAttribute("x1", atBh.toFixed(2));
    bhMark.setAttribute("x2", atBh.toFixed(2));
    save(model, el, { p: [...p], q: [...q] });
  });

  // Dragging a bar (or the arrow keys) sets that outcome's probability; the
  // others are rescaled so the distribution still sums to 1.
  const attach = dragger(svg, {
    toValue: (evt) => pointerValue(svg, evt, H, base, T),
    get: ([k, i]) => dist[k][i],
    set: ([k, i], v) => {
      dist[k] = withMass(dist[k], i, v);
      draw();
    },
  });
  for (const k of ["p", "q"]) bars[k].forEach((bar, i) => attach(bar, [k, i]));
  swap.addEventListener("click", () => {
    dist = { p: dist.q, q: dist.p };
    draw();
  });
  // p on the first half of the outcomes, q on the rest, each uniform there
  disjoint.addEventListener("click", () => {
    const half = Math.floor(n / 2);
    dist = {
      p: dist.p.map((_, i) => (i < half ? 1 / half : 0)),
      q: dist.q.map((_, i) => (i < half ? 0 : 1 / (n - half))),
    };
    draw();
  });
  reset.addEventListener("click", () => {
    dist = { p: [...start.p], q: [...start.q] };
    draw();
  });
  el.append(...Object.values(outs).map((o) => o.row), buttons, svg, legend, svg2);
  draw();
}

RENDERERS.divergence_family = divergenceFamily;
