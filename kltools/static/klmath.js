// klmath.js: the information measures of kltools, in the browser.
//
// The explorables compute in JavaScript so that they respond on the static
// site with no kernel. These functions follow kltools' conventions exactly
// (0 log 0 = 0; p > 0 where q = 0 gives Infinity; results clipped at 0; the
// base argument defaults to 2, bits), and tests/test_explore.py checks them
// against kltools to 1e-9 with Node.js. Inputs are assumed valid here: the
// explorables only ever pass distributions they built themselves.

/** Natural log of x/y for x > 0, computed without overflow. */
function logRatio(x, y) {
  const r = x / y;
  return Number.isFinite(r) && r > 0 ? Math.log(r) : Math.log(x) - Math.log(y);
}

/** Pointwise terms p_i log(p_i / q_i) in units of log(base). */
export function klTerms(p, q, base = 2) {
  const lb = Math.log(base);
  return p.map((pi, i) => (pi > 0 ? (pi * logRatio(pi, q[i])) / lb : 0));
}

/** D(p || q) = sum_i p_i log(p_i / q_i); Infinity if some q_i = 0 < p_i. */
export function klDivergence(p, q, base = 2) {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) {
      if (q[i] === 0) return Infinity;
      s += p[i] * logRatio(p[i], q[i]);
    }
  }
  return Math.max(s, 0) / Math.log(base);
}

/** H(p) = -sum_i p_i log p_i. */
export function entropy(p, base = 2) {
  let s = 0;
  for (const pi of p) if (pi > 0) s -= pi * Math.log(pi);
  return Math.max(s, 0) / Math.log(base);
}

/** H(p, q) = -sum_i p_i log q_i = H(p) + D(p || q). */
export function crossEntropy(p, q, base = 2) {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) {
      if (q[i] === 0) return Infinity;
      s -= p[i] * Math.log(q[i]);
    }
  }
  return Math.max(s, 0) / Math.log(base);
}

/** JS(p, q) = D(p || m)/2 + D(q || m)/2 with m = (p + q)/2; at most 1 bit. */
export function jsDivergence(p, q, base = 2) {
  const m = p.map((pi, i) => 0.5 * (pi + q[i]));
  const js = 0.5 * klDivergence(p, m, Math.E) + 0.5 * klDivergence(q, m, Math.E);
  return Math.min(js, Math.LN2) / Math.log(base);
}

/** D(N(mu_p, sigma_p^2) || N(mu_q, sigma_q^2)); sigmas are standard deviations. */
export function gaussianKL(muP, sigmaP, muQ, sigmaQ, base = 2) {
  const r = sigmaP / sigmaQ;
  const d = (muP - muQ) / sigmaQ;
  const nats = 0.5 * (r * r + d * d - 1) - Math.log(r);
  return Math.max(nats, 0) / Math.log(base);
}

/** Density of N(mu, sigma^2) at x. */
export function gaussianPdf(x, mu, sigma) {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
}

/** Rescale non-negative weights to sum to 1. */
export function normalize(w) {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}
