// kinds/evidence_llr.js: a renderer of kltools.explore (see core.js for the contract).

// --- two coins: log-likelihood-ratio walks and exact error exponents -----------
//
// The numbers shown are exact and deterministic (kltools.explore.evidence
// recomputes them with kltools.evidence and kltools.chernoff_information).
// Only the drawn walks are random, from a seeded generator; no number shown
// depends on them.

/** Seeded uniform generator on [0, 1) (mulberry32). */
function evidenceRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** log k! for k = 0..n, summed with compensation. */
function evidenceLogFactorials(n) {
  const lf = new Float64Array(n + 1);
  let s = 0, c = 0;
  for (let k = 1; k <= n; k++) {
    const y = Math.log(k) - c;
    const t = s + y;
    c = t - s - y;
    s = t;
    lf[k] = s;
  }
  return lf;
}

/** Binomial log-probabilities of k = 0..n successes, in nats, into `out`. */
function evidenceBinomLog(n, theta, lf, out) {
  const a = Math.log(theta), b = Math.log1p(-theta);
  for (let k = 0; k <= n; k++) out[k] = lf[n] - lf[k] - lf[n - k] + k * a + (n - k) * b;
  return out;
}

/** [ln beta_n, ln P_e(n)] for n tosses: the type-II error of the randomized
 *  Neyman-Pearson test at level alpha (kltools.evidence.neyman_pearson_bernoulli,
 *  same steps) and the Bayes error with prior 1/2
 *  (kltools.evidence.bayes_error_bernoulli). `lp` and `lq` are scratch
 *  buffers of length >= n + 1, so that a redraw allocates nothing per n. */
function evidenceErrors(n, p, q, alpha, lf, lp, lq) {
  evidenceBinomLog(n, p, lf, lp);
  evidenceBinomLog(n, q, lf, lq);
  const order = (j) => (p >= q ? j : n - j);
  const cap = alpha * (1 + 1e-12);
  let before = 0, m = 0;
  while (m < n) {
    const next = before + Math.exp(lp[order(m)]);
    if (next > cap) break;
    before = next;
    m++;
  }
  const boundary = order(m);
  const gamma = Math.min(Math.max((alpha - before) / Math.exp(lp[boundary]), 0), 1);
  const edge = gamma < 1 ? lq[boundary] + Math.log1p(-gamma) : -Infinity;
  // log-sum-exp of the accepted counts' q-probabilities, in two passes
  let top = edge;
  for (let j = m + 1; j <= n; j++) top = Math.max(top, lq[order(j)]);
  let logBeta = -Infinity;
  if (top > -Infinity) {
    let sum = edge > -Infinity ? Math.exp(edge - top) : 0;
    for (let j = m + 1; j <= n; j++) sum += Math.exp(lq[order(j)] - top);
    logBeta = top + Math.log(sum);
  }
  let topE = -Infinity;
  for (let k = 0; k <= n; k++) topE = Math.max(topE, Math.min(lp[k], lq[k]));
  let sumE = 0;
  for (let k = 0; k <= n; k++) sumE += Math.exp(Math.min(lp[k], lq[k]) - topE);
  return [logBeta, Math.log(0.5) + topE + Math.log(sumE)];
}

/** Chernoff information of two coins in bits and its lambda, in closed form:
 *  the tilt p^l q^(1-l) balances the two log ratios. */
function evidenceChernoff(p, q) {
  if (p === q) return { value: 0, lam: 0.5 };
  const l1 = Math.log(p / q), l2 = Math.log1p(-p) - Math.log1p(-q);
  const lam = Math.log((-l2 * (1 - q)) / (l1 * q)) / (l1 - l2);
  const s = q * Math.expm1(lam * l1) + (1 - q) * Math.expm1(lam * l2);
  return { value: Math.max(-Math.log1p(s), 0) / Math.LN2, lam };
}

/** Every number the explorable shows, for one setting. */
function evidenceQuantities(p, q, alpha, n) {
  const lf = evidenceLogFactorials(n);
  const P = [p, 1 - p], Q = [q, 1 - q];
  const c = evidenceChernoff(p, q);
  const [logBeta, logBayes] = evidenceErrors(
    n, p, q, alpha, lf, new Float64Array(n + 1), new Float64Array(n + 1));
  return {
    kl_pq: klDivergence(P, Q),
    kl_qp: klDivergence(Q, P),
    chernoff: c.value,
    lam: c.lam,
    beta: Math.exp(logBeta),
    stein_rate: -logBeta / Math.LN2 / n,
    bayes_error: Math.exp(logBayes),
    bayes_rate: -logBayes / Math.LN2 / n,
  };
}

function evidenceLlr({ model, el }) {
  const params = model.get("params");
  const coin = { min: 0.02, max: 0.98, step: 0.01 };
  const sp = slider("p", "hypothesis p: P(heads)", { ...coin, value: params.p });
  const sq = slider("q", "hypothesis q: P(heads)", { ...coin, value: params.q });
  const sa = slider("alpha", "level α = P(decide q | p true)", {
    min: 0.01, max: 0.25, step: 0.01, value: params.alpha,
  });
  const sn = slider("n", "number of tosses n", { min: 10, max: 400, step: 10, value: params.n });
  sn.show = function () {
    this.row.querySelector(".kle-value").textContent = String(this.value);
  };
  const controls = [sp, sq, sa, sn];
  let seed = params.seed ?? 1;
  const again = h("button", { type: "button", "data-control": "new-walks", class: "kle-button" },
    "draw new walks");
  const outs = {
    kl_pq: output("kl_pq", "D(p‖q): drift of the walk if p is true", "bits per toss"),
    kl_qp: output("kl_qp", "D(q‖p): minus the drift if q is true", "bits per toss"),
    chernoff: output("chernoff", "Chernoff information C(p, q)", "bits per toss"),
    lam: output("lam", "its minimising λ*", ""),
    beta: output("beta", "β_n = P(decide p | q true), exact", ""),
    stein_rate: output("stein_rate", "−(1/n) log₂ β_n (tends to D(p‖q))", "bits per toss"),
    bayes_error: output("bayes_error", "Bayes error P_e(n), prior ½, exact", ""),
    bayes_rate: output("bayes_rate", "−(1/n) log₂ P_e(n) (tends to C)", "bits per toss"),
  };
  const sci = (o, v) => {
    const node = o.row.querySelector("output");
    node.textContent = v > 0 && v < 1e-3 ? v.toExponential(3) : fmt(v);
  };

  // top: the walks; bottom: the error probabilities on a log scale
  const W = 480, H = 230, L = 62, R = 20, T = 14, B = 38;
  const walkSvg = frame(W, H);
  walkSvg.setAttribute("aria-label",
    "Log-likelihood ratio of p to q, in bits, against the number of tosses: ten walks with p true, ten with q true, and their drift lines");
  const errSvg = frame(W, H);
  errSvg.setAttribute("aria-label",
    "Exact error probabilities on a log scale against the number of tosses: the type-II error beta_n and the Bayes error, with lines of slope D(p‖q) and C(p, q)");
  const makeAxes = (svg, ylabel) => {
    const layer = s("g");
    svg.append(layer);
    axisLabel(svg, "number of tosses", (L + W - R) / 2, H - 4);
    axisLabel(svg, ylabel, 14, (T + H - B) / 2, true);
    svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "kle-frame" }));
    svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kle-frame" }));
    return layer;
  };
  const walkLayer = makeAxes(walkSvg, "log₂ LR (bits)");
  const errLayer = makeAxes(errSvg, "probability");
  const legendWalk = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "walks with p true, drift +D(p‖q)", "line"), "  ",
    legendKey(COLORS.q, "walks with q true, drift −D(q‖p)", "line"));
  const legendErr = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "β_n (Neyman–Pearson, level α)", "line"), "  ",
    legendKey(COLORS.term, "Bayes error", "line"), "  ",
    legendKey("currentColor", "slopes 2^(−nD(p‖q)) and 2^(−nC)", "dots"));

  const clear = (g) => g.replaceChildren();
  const poly = (pts, attrs) => s("polyline", { fill: "none", points: pts.join(" "), ...attrs });
  const tick = (g, x, y, text, anchor) => {
    const t = s("text", { x, y, "text-anchor": anchor, class: "kle-tick" });
    t.textContent = text;
    g.append(t);
  };

  const draw = timed(el, () => {
    for (const c of controls) {
      c.show();
      c.input.setAttribute("aria-valuetext", c === sn ? `${c.value} tosses` : c.value.toFixed(2));
    }
    const p = sp.value, q = sq.value, alpha = sa.value, n = Math.round(sn.value);
    const v = evidenceQuantities(p, q, alpha, n);
    for (const [k, o] of Object.entries(outs)) o.set(v[k]);
    for (const k of ["beta", "bayes_error"]) sci(outs[k], v[k]);

    const x = (k) => L + (k / n) * (W - L - R);
    // walks, in bits: a step of log2(p/q) on heads, log2((1-p)/(1-q)) on tails
    const up = Math.log2(p / q), down = Math.log2((1 - p) / (1 - q));
    const walks = [];
    for (const [truth, colour, offset] of [[p, COLORS.p, 0], [q, COLORS.q, 100]]) {
      for (let i = 0; i < 10; i++) {
        const u = evidenceRng(seed * 1000 + offset + i);
        const path = [0];
        for (let k = 1; k <= n; k++) path.push(path[k - 1] + (u() < truth ? up : down));
        walks.push({ path, colour });
      }
    }
    let top = Math.max(1, n * v.kl_pq), bottom = Math.min(-1, -n * v.kl_qp);
    for (const { path } of walks) for (const y of path) {
      if (y > top) top = y;
      if (y < bottom) bottom = y;
    }
    const yw = (y) => T + ((top - y) / (top - bottom)) * (H - T - B);
    clear(walkLayer);
    walkLayer.append(s("line", { x1: L, x2: W - R, y1: yw(0), y2: yw(0), class: "kle-frame", "stroke-dasharray": "2 3" }));
    const every = Math.max(1, Math.ceil(n / 150)); // at most about 150 points a walk
    for (const { path, colour } of walks) {
      const pts = [];
      for (let k = 0; k <= n; k += every) pts.push(`${x(k).toFixed(1)},${yw(path[k]).toFixed(1)}`);
      if (n % every) pts.push(`${x(n).toFixed(1)},${yw(path[n]).toFixed(1)}`);
      walkLayer.append(poly(pts, { stroke: colour, "stroke-width": 1, "stroke-opacity": 0.45 }));
    }
    for (const [slope, colour] of [[v.kl_pq, COLORS.p], [-v.kl_qp, COLORS.q]]) {
      walkLayer.append(s("line", {
        x1: x(0), y1: yw(0), x2: x(n), y2: yw(slope * n),
        stroke: colour, "stroke-width": 2.5, "stroke-dasharray": "7 4",
      }));
    }
    for (const y of [top, 0, bottom]) tick(walkLayer, L - 6, yw(y) + 4, y.toFixed(0), "end");
    for (const k of [0, n / 2, n]) tick(walkLayer, x(k), H - B + 14, String(k), "middle");

    // exact errors for numbers of tosses up to n, in log10
    const lf = evidenceLogFactorials(n);
    // at most about 60 numbers of tosses: the curves are smooth on this scale
    const stride = Math.max(1, Math.ceil(n / 60));
    const ks = [1];
    for (let k = stride; k <= n; k += stride) if (k > 1) ks.push(k);
    if (ks[ks.length - 1] !== n) ks.push(n);
    const betaPts = [], bayesPts = [];
    const lp = new Float64Array(n + 1), lq = new Float64Array(n + 1);
    let lowest = -1;
    for (const k of ks) {
      const [lnBeta, lnBayes] = evidenceErrors(k, p, q, alpha, lf, lp, lq);
      const lb = lnBeta / Math.LN10, le = lnBayes / Math.LN10;
      betaPts.push([k, lb]);
      bayesPts.push([k, le]);
      lowest = Math.min(lowest, lb, le);
    }
    const floor = Math.floor(lowest);
    const ye = (y) => T + (Math.min(-y, -floor) / -floor) * (H - T - B);
    clear(errLayer);
    const line = (pts, attrs) =>
      errLayer.append(poly(pts.map(([k, y]) => `${x(k).toFixed(1)},${ye(y).toFixed(1)}`), attrs));
    const refs = [[v.kl_pq, COLORS.p], [v.chernoff, COLORS.term]];
    for (const [rate, colour] of refs) {
      const perToss = rate * Math.LN2 * Math.LOG10E; // decades per toss
      const end = perToss > 0 ? Math.min(n, -floor / perToss) : n; // stop at the floor
      line([[0, 0], [end, -perToss * end]], {
        stroke: colour, "stroke-width": 1.5, "stroke-dasharray": "6 4",
      });
    }
    line(betaPts, { stroke: COLORS.p, "stroke-width": 2.5 });
    line(bayesPts, { stroke: COLORS.term, "stroke-width": 2.5 });
    const decades = Math.max(1, Math.ceil(-floor / 5));
    for (let e = 0; e >= floor; e -= decades) tick(errLayer, L - 6, ye(e) + 4, e === 0 ? "1" : `1e${e}`, "end");
    for (const k of [0, n / 2, n]) tick(errLayer, x(k), H - B + 14, String(k), "middle");

    save(model, el, { p, q, alpha, n, seed });
  });
  for (const c of controls) c.input.addEventListener("input", draw);
  again.addEventListener("click", () => {
    seed += 1;
    draw();
  });
  el.append(sp.row, sq.row, sa.row, sn.row, h("div", { class: "kle-row" }, again),
    outs.kl_pq.row, outs.kl_qp.row, walkSvg, legendWalk,
    outs.beta.row, outs.stein_rate.row, outs.chernoff.row, outs.lam.row,
    outs.bayes_error.row, outs.bayes_rate.row, errSvg, legendErr);
  draw();
}

RENDERERS.evidence_llr = evidenceLlr;
