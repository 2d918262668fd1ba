// kinds/densities_pair.js: a renderer of kltools.explore (see core.js for the contract).

// --- two densities the reader shapes, compared both ways -----------------------

// Ports of kltools.densities.family_kl and family_entropy, computed the way
// kltools computes them (the same closed forms, and the same fixed
// Gauss-Legendre rule for the one expectation without a closed form), so the
// numbers agree to rounding. Every name starts with "dens": this file shares
// one module scope with klmath.js and core.js.

const DENS_LOG_2PI = Math.log(2 * Math.PI);

/** erf(x) from its series 2/√π e^{-x²} Σ (2x²)^n x / (2n+1)!!, all terms positive. */
function densErf(x) {
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x); // erfc(6) = 2e-17
  const x2 = 2 * ax * ax;
  let term = ax, sum = ax;
  for (let n = 1; n < 1000; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}

/** Nodes and weights of n-point Gauss-Legendre on [-1, 1] (Newton on P_n). */
function densGaussLegendre(n) {
  const x = [], w = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p1 = 1, p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const step = p1 / dp;
      z -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}

const DENS_GL = densGaussLegendre(20);
const DENS_REACH = { normal: 10, laplace: 40 };

/** Panels of [-reach, reach], graded towards c (kltools.densities._panels). */
function densPanels(c, a, reach, kink) {
  const breaks = [-reach, reach];
  if (kink) breaks.push(0);
  if (-reach < c && c < reach) breaks.push(c);
  for (let d = a; d < 4 * reach; d *= 2) {
    for (const b of [c - d, c + d]) if (-reach < b && b < reach) breaks.push(b);
  }
  breaks.sort((u, v) => u - v);
  const edges = breaks.filter((v, i) => i === 0 || v !== breaks[i - 1]);
  const out = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const lo = edges[k], hi = edges[k + 1];
    const n = Math.ceil((hi - lo) / 1.0);
    for (let i = 0; i < n; i++) out.push([lo + ((hi - lo) * i) / n, lo + ((hi - lo) * (i + 1)) / n]);
  }
  return out;
}

/** E log(1 + ((Z - c)/a)^2) for a standard normal or Laplace Z (cauchy_log_term). */
function densCauchyLogTerm(family, c, a) {
  let total = 0;
  for (const [lo, hi] of densPanels(c, a, DENS_REACH[family], family === "laplace")) {
    let s = 0;
    for (let i = 0; i < 20; i++) {
      const z = 0.5 * (lo + hi) + 0.5 * (hi - lo) * DENS_GL.x[i];
      const wt = family === "normal" ? Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) : 0.5 * Math.exp(-Math.abs(z));
      const u = (z - c) / a;
      s += DENS_GL.w[i] * wt * Math.log1p(u * u);
    }
    total += 0.5 * (hi - lo) * s;
  }
  return total;
}

/** Differential entropy in nats (family_entropy). */
function densEntropyNats(family, s) {
  if (family === "normal") return 0.5 * (1 + DENS_LOG_2PI) + Math.log(s);
  if (family === "laplace") return 1 + Math.log(2 * s);
  if (family === "cauchy") return Math.log(4 * Math.PI * s);
  return Math.log(2 * s);
}

function densMeanAbs(family, loc, scale, m) {
  const d = loc - m;
  if (family === "normal") {
    const u = d / scale;
    return scale * (Math.sqrt(2 / Math.PI) * Math.exp(-0.5 * u * u) + u * densErf(u / Math.SQRT2));
  }
  if (family === "laplace") return Math.abs(d) + scale * Math.exp(-Math.abs(d) / scale);
  if (family === "uniform") return Math.abs(d) >= scale ? Math.abs(d) : (scale * scale + d * d) / (2 * scale);
  return Infinity;
}

function densMeanSquare(family, loc, scale, m) {
  const v = { normal: scale ** 2, laplace: 2 * scale ** 2, uniform: scale ** 2 / 3 }[family];
  return v === undefined ? Infinity : v + (loc - m) ** 2;
}

function densUniformCauchy(loc, scale, m, g) {
  const f = (t) => t * Math.log1p(t * t) - 2 * t + 2 * Math.atan(t);
  const hi = (loc + scale - m) / g, lo = (loc - scale - m) / g;
  return (g * (f(hi) - f(lo))) / (2 * scale);
}

/** Whether p's support lies inside q's (only a uniform q can exclude it). */
function densInside(fp, mp, sp, fq, mq, sq) {
  if (fq !== "uniform") return true;
  return fp === "uniform" && mp - sp >= mq - sq && mp + sp <= mq + sq;
}

/** Cross entropy -E_p log q(X) in nats (kltools.densities._cross_nats). */
function densCrossNats(fp, mp, sp, fq, mq, sq) {
  if (fq === "normal") return 0.5 * DENS_LOG_2PI + Math.log(sq) + densMeanSquare(fp, mp, sp, mq) / (2 * sq * sq);
  if (fq === "laplace") return Math.log(2 * sq) + densMeanAbs(fp, mp, sp, mq) / sq;
  if (fq === "cauchy") {
    let inner;
    if (fp === "cauchy") inner = Math.log(((sp + sq) ** 2 + (mp - mq) ** 2) / (sq * sq));
    else if (fp === "uniform") inner = densUniformCauchy(mp, sp, mq, sq);
    else inner = densCauchyLogTerm(fp, (mq - mp) / sp, sq / sp);
    return Math.log(Math.PI * sq) + inner;
  }
  return densInside(fp, mp, sp, fq, mq, sq) ? Math.log(2 * sq) : Infinity;
}

/** Natural log of x / y for positive x, y, accurate near x = y. */
function densLogRatio(x, y) {
  const d = (x - y) / y;
  return Math.abs(d) < 0.5 ? Math.log1p(d) : Math.log(x) - Math.log(y);
}

/** D(p || q) in bits between two of the four families (family_kl). */
function densKL(fp, mp, sp, fq, mq, sq) {
  let nats;
  const d = Math.abs(mp - mq);
  if (fp === "normal" && fq === "normal") {
    const z = (mp - mq) / sq, l = 2 * densLogRatio(sp, sq);
    nats = 0.5 * (Math.expm1(l) - l + z * z);
  } else if (fp === "laplace" && fq === "laplace") {
    const r = sp / sq;
    nats = -Math.log(r) + d / sq + r * Math.exp(-d / sp) - 1;
  } else if (fp === "cauchy" && fq === "cauchy") {
    nats = Math.log(((sp + sq) ** 2 + d * d) / (4 * sp * sq));
  } else {
    nats = densCrossNats(fp, mp, sp, fq, mq, sq) - densEntropyNats(fp, sp);
  }
  return Math.max(nats, 0) / Math.LN2;
}

/** Why D(p || q) is infinite: "support" (q = 0 where p > 0) or "tails". */
function densWhyInfinite(fp, mp, sp, fq, mq, sq) {
  return densInside(fp, mp, sp, fq, mq, sq) ? "tails" : "support";
}

/** Log density of a family at x (-Infinity off a uniform's interval). */
function densLogPdf(family, m, s, x) {
  const z = (x - m) / s;
  if (family === "normal") return -0.5 * z * z - 0.5 * DENS_LOG_2PI - Math.log(s);
  if (family === "laplace") return -Math.abs(z) - Math.log(2 * s);
  if (family === "cauchy") return -Math.log(Math.PI * s) - Math.log1p(z * z);
  return Math.abs(z) <= 1 ? -Math.log(2 * s) : -Infinity;
}

const DENS_NAMES = { normal: "normal", laplace: "Laplace", cauchy: "Cauchy (heavy tails)", uniform: "uniform (bounded)" };
const DENS_REACH_DRAW = { normal: 4, laplace: 6, cauchy: 8, uniform: 1.4 };

function densitiesPair({ model, el }) {
  const params = model.get("params");
  const families = params.families;
  const chooser = (name, label, value) => {
    const sel = h("select", { "data-control": name, "aria-label": label });
    for (const f of families) sel.append(h("option", { value: f }, DENS_NAMES[f] || f));
    sel.value = value;
    return { sel, row: h("label", { class: "kle-row" }, h("span", { class: "kle-label" }, label), sel) };
  };
  const fam = {
    p: chooser("family_p", "family of p", params.family_p),
    q: chooser("family_q", "family of q", params.family_q),
  };
  // scales from 10^-0.7 to 10^0.7 (about 0.2 to 5) in steps of 0.01 in log10,
  // so that a scale of exactly 1 is on the slider's grid
  const ctl = {
    loc_p: slider("loc_p", "location of p", { min: -4, max: 4, step: 0.1, value: params.loc_p }),
    scale_p: slider("scale_p", "scale of p (log slider)", { min: 10 ** -0.7, max: 10 ** 0.7, step: 0.01, value: params.scale_p, log: true }),
    loc_q: slider("loc_q", "location of q", { min: -4, max: 4, step: 0.1, value: params.loc_q }),
    scale_q: slider("scale_q", "scale of q (log slider)", { min: 10 ** -0.7, max: 10 ** 0.7, step: 0.01, value: params.scale_q, log: true }),
    unit: slider("unit", "change of units, y = c·x (log slider)", { min: 0.1, max: 10, step: 0.01, value: params.unit, log: true }),
  };
  const swap = h("button", { type: "button", "data-control": "swap", class: "kle-button" }, "swap p and q");
  const outs = {
    kl_pq: output("kl_pq", "D(p‖q)"),
    kl_qp: output("kl_qp", "D(q‖p)"),
    h_p: output("h_p", "differential entropy h(p)"),
    h_q: output("h_q", "differential entropy h(q)"),
  };
  const status = h("p", { class: "kle-legend", "aria-live": "polite", "data-status": "" });

  // two panels: the densities above, the integrands of both divergences below
  const W = 480, H = 380, L = 56, R = 10;
  const top = { T: 10, B: 160 }, low = { T: 200, B: 340 };
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Above: the densities of p and q. Below: the integrands p log2(p/q) and q log2(q/p) of the two divergences, with the regions where one is infinite shaded");
  const xs = (t) => L + t * (W - L - R); // t in [0, 1] across the window
  for (const pan of [top, low]) {
    svg.append(s("line", { x1: L, y1: pan.B, x2: W - R, y2: pan.B, class: "kle-frame" }));
    svg.append(s("line", { x1: L, y1: pan.T, x2: L, y2: pan.B, class: "kle-frame" }));
  }
  const zeroLine = s("line", { x1: L, x2: W - R, class: "kle-frame", "stroke-dasharray": "2 3" });
  svg.append(zeroLine);
  axisLabel(svg, "density", 12, (top.T + top.B) / 2, true);
  axisLabel(svg, "bits per unit of y", 12, (low.T + low.B) / 2, true);
  axisLabel(svg, "y = c·x", (L + W - R) / 2, H - 4);
  const tickText = (cls) => {
    const t = s("text", { class: "kle-tick", "text-anchor": cls });
    svg.append(t);
    return t;
  };
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map(() => [tickText("middle"), tickText("middle")]);
  const yTicksTop = [0, 0.5, 1].map(() => tickText("end"));
  const yTicksLow = [0, 1, 2].map(() => tickText("end"));
  const shade = { pq: s("path", { fill: COLORS.p, "fill-opacity": 0.18 }), qp: s("path", { fill: COLORS.q, "fill-opacity": 0.18 }) };
  const infLabel = { pq: tickText("middle"), qp: tickText("middle") };
  infLabel.pq.setAttribute("fill", COLORS.p);
  infLabel.qp.setAttribute("fill", COLORS.q);
  const curve = (color, dash, key) => s("path", { fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": dash, "data-curve": key });
  const dens = { p: curve(COLORS.p, "", "p"), q: curve(COLORS.q, "6 3", "q") };
  const integ = { pq: curve(COLORS.p, "", "p log p/q"), qp: curve(COLORS.q, "6 3", "q log q/p") };
  svg.append(shade.pq, shade.qp, dens.p, dens.q, integ.pq, integ.qp, infLabel.pq, infLabel.qp);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p, and p log₂(p/q) below", "line"), "  ",
    legendKey(COLORS.q, "q, and q log₂(q/p) below", "dash"), "; shading: that integrand is +∞ there");

  const N = 240;
  const pathOf = (pts) => {
    let d = "", pen = false;
    for (const [px, py] of pts) {
      if (py === null) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const bands = (mask, y0, y1) => {
    let d = "";
    for (let i = 0; i <= N; i++) {
      if (!mask[i]) continue;
      const a = xs(Math.max(i - 0.5, 0) / N), b = xs(Math.min(i + 0.5, N) / N);
      d += `M${a.toFixed(1)},${y0}H${b.toFixed(1)}V${y1}H${a.toFixed(1)}Z`;
    }
    return d;
  };
  const reason = (name, why) => why === "support"
    ? `${name} = ∞: the second density is 0 where the first is not (shaded).`
    : `${name} = ∞: the first density's tails are too heavy for the second's; the integrand does not die away fast enough, however far out you look.`;

  const draw = timed(el, () => {
    const c = ctl.unit.value;
    const v = {
      family_p: fam.p.sel.value, loc_p: ctl.loc_p.value, scale_p: ctl.scale_p.value,
      family_q: fam.q.sel.value, loc_q: ctl.loc_q.value, scale_q: ctl.scale_q.value, unit: c,
    };
    for (const sl of Object.values(ctl)) {
      sl.show();
      sl.input.setAttribute("aria-valuetext", sl.row.querySelector(".kle-value").textContent);
    }
    const P = [v.family_p, v.loc_p * c, v.scale_p * c];
    const Q = [v.family_q, v.loc_q * c, v.scale_q * c];
    const kl = { pq: densKL(...P, ...Q), qp: densKL(...Q, ...P) };
    outs.kl_pq.set(kl.pq);
    outs.kl_qp.set(kl.qp);
    outs.h_p.set(densEntropyNats(P[0], P[2]) / Math.LN2);
    outs.h_q.set(densEntropyNats(Q[0], Q[2]) / Math.LN2);
    const notes = [];
    if (kl.pq === Infinity) notes.push(reason("D(p‖q)", densWhyInfinite(...P, ...Q)));
    if (kl.qp === Infinity) notes.push(reason("D(q‖p)", densWhyInfinite(...Q, ...P)));
    status.textContent = notes.length ? notes.join(" ") : "Both divergences are finite.";

    // the window: where both densities have most of their mass
    const lo = Math.min(P[1] - DENS_REACH_DRAW[P[0]] * P[2], Q[1] - DENS_REACH_DRAW[Q[0]] * Q[2]);
    const hi = Math.max(P[1] + DENS_REACH_DRAW[P[0]] * P[2], Q[1] + DENS_REACH_DRAW[Q[0]] * Q[2]);
    const grid = [], lp = [], lq = [];
    for (let i = 0; i <= N; i++) {
      const x = lo + ((hi - lo) * i) / N;
      grid.push(x);
      lp.push(densLogPdf(...P, x));
      lq.push(densLogPdf(...Q, x));
    }
    const dp = lp.map(Math.exp), dq = lq.map(Math.exp);
    const dmax = 1.1 * Math.max(...dp, ...dq);
    const yTop = (d) => top.B - (d / dmax) * (top.B - top.T);
    dens.p.setAttribute("d", pathOf(grid.map((x, i) => [xs(i / N), dp[i] > 0 ? yTop(dp[i]) : top.B])));
    dens.q.setAttribute("d", pathOf(grid.map((x, i) => [xs(i / N), dq[i] > 0 ? yTop(dq[i]) : top.B])));
    // integrands in bits per unit of y; +∞ where the other density is 0
    const term = (la, lb, da) => (da === 0 ? 0 : lb === -Infinity ? Infinity : (da * (la - lb)) / Math.LN2);
    const fpq = grid.map((x, i) => term(lp[i], lq[i], dp[i]));
    const fqp = grid.map((x, i) => term(lq[i], lp[i], dq[i]));
    const finite = [...fpq, ...fqp].filter(Number.isFinite);
    const fmax = Math.max(...finite, 1e-3), fmin = Math.min(...finite, 0);
    const span = (fmax - fmin) * 1.1;
    const yLow = (f) => low.B - ((f - fmin) / span) * (low.B - low.T);
    const line = (f) => grid.map((x, i) => [xs(i / N), Number.isFinite(f[i]) ? yLow(f[i]) : null]);
    integ.pq.setAttribute("d", pathOf(line(fpq)));
    integ.qp.setAttribute("d", pathOf(line(fqp)));
    for (const [key, f] of [["pq", fpq], ["qp", fqp]]) {
      const mask = f.map((t) => t === Infinity);
      shade[key].setAttribute("d", bands(mask, low.T, low.B));
      const at = mask.indexOf(true);
      infLabel[key].textContent = at < 0 ? "" : "∞";
      infLabel[key].setAttribute("x", xs(at < 0 ? 0 : at / N).toFixed(1));
      infLabel[key].setAttribute("y", String(low.T + (key === "pq" ? 12 : 26)));
    }
    zeroLine.setAttribute("y1", yLow(0).toFixed(1));
    zeroLine.setAttribute("y2", yLow(0).toFixed(1));
    // ticks
    [0, 0.25, 0.5, 0.75, 1].forEach((t, k) => {
      const val = lo + t * (hi - lo);
      for (const [j, pan] of [top, low].entries()) {
        const tx = xTicks[k][j];
        tx.setAttribute("x", xs(t).toFixed(1));
        tx.setAttribute("y", String(pan.B + 14));
        tx.textContent = Math.abs(val) >= 100 ? val.toFixed(0) : val.toPrecision(2);
      }
    });
    [0, 0.5, 1].forEach((f, k) => {
      const d = (f * dmax) / 1.1;
      yTicksTop[k].setAttribute("x", String(L - 5));
      yTicksTop[k].setAttribute("y", Math.min(yTop(d) + 4, top.B - 2).toFixed(1));
      yTicksTop[k].textContent = d.toPrecision(2);
    });
    [fmin, 0, fmax].forEach((f, k) => {
      yTicksLow[k].setAttribute("x", String(L - 5));
      yTicksLow[k].setAttribute("y", Math.min(yLow(f) + 4, low.B - 2).toFixed(1));
      yTicksLow[k].textContent = k === 0 && fmin === 0 ? "" : f.toPrecision(2);
    });
    save(model, el, v);
  });

  for (const f of Object.values(fam)) f.sel.addEventListener("change", draw);
  for (const sl of Object.values(ctl)) sl.input.addEventListener("input", draw);
  swap.addEventListener("click", () => {
    [fam.p.sel.value, fam.q.sel.value] = [fam.q.sel.value, fam.p.sel.value];
    for (const k of ["loc", "scale"]) {
      const a = ctl[`${k}_p`].input, b = ctl[`${k}_q`].input;
      [a.value, b.value] = [b.value, a.value];
    }
    draw();
  });
  el.append(
    fam.p.row, ctl.loc_p.row, ctl.scale_p.row, fam.q.row, ctl.loc_q.row, ctl.scale_q.row, ctl.unit.row,
    h("div", { class: "kle-row" }, swap),
    ...Object.values(outs).map((o) => o.row), status, svg, legend,
  );
  // on a narrow screen a row wraps: its label above, the control below
  for (const row of el.querySelectorAll(".kle-row")) row.style.flexWrap = "wrap";
  for (const lab of el.querySelectorAll(".kle-label")) lab.style.minWidth = "min(15rem, 100%)";
  draw();
}

RENDERERS.densities_pair = densitiesPair;
