// kinds/curiosity_beta_arm.js: a renderer of kltools.explore (see core.js for the contract).

// --- curiosity: what one pull of a Beta(a, b) arm is expected to teach ---------

// Lanczos approximation (g = 7, 9 terms) of ln Γ(x), relative error ~1e-15.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

function lgamma(x) {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

// ψ(x) for x > 0: shift up to x >= 10, then the asymptotic series.
function digamma(x) {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const tail = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
  return r + Math.log(x) - 0.5 / x - tail;
}

const lnBeta = (a, b) => lgamma(a) + lgamma(b) - lgamma(a + b);

/** D(Beta(ap, bp) || Beta(aq, bq)) in units of log(base), as kltools.beta_kl. */
function betaKL(ap, bp, aq, bq, base = 2) {
  const nats = lnBeta(aq, bq) - lnBeta(ap, bp) + (ap - aq) * digamma(ap)
    + (bp - bq) * digamma(bp) + (aq - ap + bq - bp) * digamma(ap + bp);
  return Math.max(nats, 0) / Math.log(base);
}

function betaPdf(x, a, b, lnB) {
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
}

function curiosityBetaArm({ model, el }) {
  const params = model.get("params");
  const ctl = {
    a: slider("a", "a: successes seen + prior", { min: 0.5, max: 30, step: 0.5, value: params.a }),
    b: slider("b", "b: failures seen + prior", { min: 0.5, max: 30, step: 0.5, value: params.b }),
  };
  const outs = {
    p_success: output("p_success", "chance of a success, a/(a+b)", ""),
    surprise_success: output("surprise_success", "surprise if it succeeds"),
    surprise_failure: output("surprise_failure", "surprise if it fails"),
    gain: output("gain", "expected information gain"),
  };
  const W = 480, H = 220, L = 50, R = 10, T = 10, B = 40;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Density of the belief Beta(a, b) about the arm's success probability, and of the two beliefs after one pull");
  let ymax = 1;
  const x = (v) => L + v * (W - L - R);
  const y = (d) => T + (1 - Math.min(d, ymax) / ymax) * (H - T - B);
  plotFrame(svg, { W, H, L, R, T, B }, x, [0, 0.25, 0.5, 0.75, 1]);
  axisLabel(svg, "success probability θ of the arm", (L + W - R) / 2, H - 6);
  axisLabel(svg, "density", 14, (T + H - B) / 2, true);
  const curves = {
    prior: s("path", { fill: "none", stroke: COLORS.q, "stroke-width": 2.5, "data-curve": "prior" }),
    success: s("path", { fill: "none", stroke: COLORS.p, "stroke-width": 2, "data-curve": "success" }),
    failure: s("path", { fill: "none", stroke: COLORS.p, "stroke-width": 2, "stroke-dasharray": "6 4", "data-curve": "failure" }),
  };
  svg.append(curves.prior, curves.success, curves.failure);
  const yTicks = [0, 0.5, 1].map((f) => {
    const t = s("text", { x: L - 6, "text-anchor": "end", class: "kle-tick", "data-frac": f });
    svg.append(t);
    return t;
  });
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.q, "belief now, Beta(a, b)", "line"), "  ",
    legendKey(COLORS.p, "after a success", "line"), "  ",
    legendKey(COLORS.p, "after a failure", "dash"));

  const N = 160;
  const grid = Array.from({ length: N + 1 }, (_, i) => (i + 0.5) / (N + 1));
  const density = (a, b) => {
    const lnB = lnBeta(a, b);
    return grid.map((t) => betaPdf(t, a, b, lnB));
  };
  const path = (d) => d.map((v, i) => `${i ? "L" : "M"}${x(grid[i]).toFixed(1)},${y(v).toFixed(1)}`).join("");

  const draw = timed(el, () => {
    const a = ctl.a.value, b = ctl.b.value;
    ctl.a.show();
    ctl.b.show();
    const m = a / (a + b);
    const s1 = betaKL(a + 1, b, a, b), s0 = betaKL(a, b + 1, a, b);
    outs.p_success.set(m);
    outs.surprise_success.set(s1);
    outs.surprise_failure.set(s0);
    outs.gain.set(m * s1 + (1 - m) * s0);
    const d = { prior: density(a, b), success: density(a + 1, b), failure: density(a, b + 1) };
    // scale to the tallest curve in the interior, at most 12
    const peak = Math.max(...d.prior, ...d.success, ...d.failure);
    ymax = Math.min(1.1 * peak, 12);
    for (const t of yTicks) {
      const v = Number(t.getAttribute("data-frac")) * ymax;
      t.setAttribute("y", (y(v) + 4).toFixed(1));
      t.textContent = v.toFixed(1);
    }
    for (const k of Object.keys(curves)) curves[k].setAttribute("d", path(d[k]));
    save(model, el, { a, b });
  });
  Object.values(ctl).forEach((c) => c.input.addEventListener("input", draw));
  el.append(ctl.a.row, ctl.b.row, ...Object.values(outs).map((o) => o.row), svg, legend);
  draw();
}

RENDERERS.curiosity_beta_arm = curiosityBetaArm;
