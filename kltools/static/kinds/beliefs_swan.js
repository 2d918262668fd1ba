// kinds/beliefs_swan.js: a renderer of kltools.explore (see core.js for the contract).

// --- beliefs: one black swan against a Beta belief about the black fraction ----
//
// The belief about the fraction theta of black swans is Beta(a, b), set by its
// mean m = a / (a + b) and its strength n = a + b. One black swan moves it to
// Beta(a + 1, b); the widget shows D(Beta(a + 1, b) || Beta(a, b)) in bits
// (kltools.beta_kl), the surprisal -log2 m of the sighting, and both
// densities. The maths below (log-gamma, digamma, the Beta KL) is local to
// this kind and checked against scipy and kltools in tests/test_beliefs.py.

const BELIEFS_HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Gamma(x) for x > 0: shift to x >= 20, then Stirling's series. */
function beliefsLgamma(x) {
  let shift = 0;
  let prod = 1;
  while (x + shift < 20) {
    prod *= x + shift;
    shift += 1;
  }
  const z = x + shift;
  const z2 = 1 / (z * z);
  const series = (1 / z) * (1 / 12 - z2 * (1 / 360 - z2 * (1 / 1260 - z2 * (1 / 1680 - z2 / 1188))));
  return (z - 0.5) * Math.log(z) - z + BELIEFS_HALF_LOG_2PI + series - Math.log(prod);
}

/** digamma psi(x) for x > 0: recurrence to x >= 10, then the asymptotic series. */
function beliefsDigamma(x) {
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const x2 = 1 / (x * x);
  const tail = x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 * (1 / 132 - (691 / 32760) * x2)))));
  return acc + Math.log(x) - 1 / (2 * x) - tail;
}

/** D(Beta(ap, bp) || Beta(aq, bq)) in bits, grouped as in kltools.dirichlet_kl. */
function beliefsBetaKL(ap, bp, aq, bq) {
  const a0 = ap + bp, b0 = aq + bq;
  const logNorm = (beliefsLgamma(a0) - beliefsLgamma(b0))
    - ((beliefsLgamma(ap) - beliefsLgamma(aq)) + (beliefsLgamma(bp) - beliefsLgamma(bq)));
  const psi0 = beliefsDigamma(a0);
  const nats = logNorm + ((ap - aq) * (beliefsDigamma(ap) - psi0) + (bp - bq) * (beliefsDigamma(bp) - psi0));
  return Math.max(nats, 0) / Math.LN2;
}

/** Density of u = log10(theta) when theta ~ Beta(a, b), at theta in (0, 1). */
function beliefsLogThetaDensity(theta, a, b, logB) {
  return Math.exp(a * Math.log(theta) + (b - 1) * Math.log1p(-theta) - logB) * Math.LN10;
}

function beliefsSwan({ model, el }) {
  const params = model.get("params");
  const mean = slider("mean", "prior mean fraction of black swans", {
    min: 1e-3, max: 0.5, step: 0.01, value: params.mean, log: true,
  });
  const strength = slider("strength", "prior strength a + b (swans' worth)", {
    min: 0.1, max: 200, step: 0.01, value: params.strength, log: true,
  });
  const outs = {
    surprise: output("surprise", "information gained, D(posterior‖prior)"),
    surprisal: output("surprisal", "surprisal of the sighting, −log₂ m"),
    posterior_mean: output("posterior_mean", "posterior mean fraction", ""),
  };
  const W = 480, H = 240, L = 50, R = 12, T = 12, B = 42;
  const svg = frame(W, H);
  svg.setAttribute("aria-label",
    "Prior and posterior densities of the fraction of black swans, on a logarithmic axis from 0.0001 to 1");
  const umin = -4, umax = 0;
  const x = (u) => L + ((u - umin) / (umax - umin)) * (W - L - R);
  svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kle-frame" }));
  for (const u of [-4, -3, -2, -1, 0]) {
    const t = s("text", { x: x(u), y: H - B + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(10 ** u);
    svg.append(t);
  }
  axisLabel(svg, "fraction of black swans θ (log scale)", (L + W - R) / 2, H - 6);
  axisLabel(svg, "density per decade of θ", 14, (T + H - B) / 2, true);
  const yTop = s("text", { x: L - 6, y: T + 8, "text-anchor": "end", class: "kle-tick" });
  svg.append(yTop);
  const priorCurve = s("polyline", { fill: "none", stroke: COLORS.q, "stroke-width": 2, "data-curve": "prior" });
  const postCurve = s("polyline", { fill: "none", stroke: COLORS.p, "stroke-width": 2, "data-curve": "posterior" });
  svg.append(priorCurve, postCurve);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.q, "prior Beta(a, b)", "line"), "  ",
    legendKey(COLORS.p, "posterior Beta(a + 1, b), after one black swan", "line"));
  const N = 240;
  const us = Array.from({ length: N + 1 }, (_, i) => umin + (i / N) * (umax - 0.004 - umin));

  const draw = timed(el, () => {
    const m = mean.value, n = strength.value;
    mean.show();
    strength.show();
    const a = m * n, b = n - a;
    outs.surprise.set(beliefsBetaKL(a + 1, b, a, b));
    outs.surprisal.set(-Math.log2(m));
    outs.posterior_mean.set((a + 1) / (n + 1));
    const logBPrior = beliefsLgamma(a) + beliefsLgamma(b) - beliefsLgamma(n);
    const logBPost = beliefsLgamma(a + 1) + beliefsLgamma(b) - beliefsLgamma(n + 1);
    const gq = us.map((u) => beliefsLogThetaDensity(10 ** u, a, b, logBPrior));
    const gp = us.map((u) => beliefsLogThetaDensity(10 ** u, a + 1, b, logBPost));
    const top = Math.max(...gq, ...gp) * 1.08;
    const y = (g) => T + (1 - g / top) * (H - T - B);
    priorCurve.setAttribute("points", us.map((u, i) => `${x(u).toFixed(1)},${y(gq[i]).toFixed(1)}`).join(" "));
    postCurve.setAttribute("points", us.map((u, i) => `${x(u).toFixed(1)},${y(gp[i]).toFixed(1)}`).join(" "));
    yTop.textContent = top.toPrecision(2);
    save(model, el, { mean: m, strength: n });
  });
  mean.input.addEventListener("input", draw);
  strength.input.addEventListener("input", draw);
  el.append(mean.row, strength.row, outs.surprise.row, outs.surprisal.row, outs.posterior_mean.row, svg, legend);
  draw();
}

RENDERERS.beliefs_swan = beliefsSwan;
