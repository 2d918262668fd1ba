// kinds/thermo_levels.js: a renderer of kltools.explore (see core.js for the contract).

// --- energy levels in a heat bath: Boltzmann populations and free energy ------------

// Boltzmann's constant k (meV per kelvin) comes from Python in params.k
// (kltools.thermo.BOLTZMANN_MEV), so both sides use the same value.

/** Boltzmann probabilities, as kltools.boltzmann: exp(-(E - Emin) / kT), normalised. */
function thermoBoltzmann(energies, temperature, k) {
  const emin = Math.min(...energies);
  const w = energies.map((e) => Math.exp(-((e - emin) / k / temperature)));
  let z = 0;
  for (const x of w) z += x;
  return w.map((x) => x / z);
}

/** F(q) = sum q E - kT H(q), H in nats, as kltools.free_energy (meV). */
function thermoFreeEnergy(q, energies, temperature, k) {
  let mean = 0;
  for (let i = 0; i < q.length; i++) mean += q[i] * energies[i];
  return mean - k * temperature * entropy(q, Math.E);
}

function thermoLevels({ model, el }) {
  const params = model.get("params");
  const E = params.energies;
  const K = params.k;
  // step "any": the sliders start exactly at the requested temperatures
  const range = { min: 10, max: 3000, step: "any", log: true };
  const temp = slider("temperature", "bath temperature T (K)", { ...range, value: params.temperature });
  const trial = slider("trial_temperature", "Q prepared at T_Q (K)", {
    ...range,
    value: params.trial_temperature,
  });
  const reset = h("button", { type: "button", "data-control": "q-is-p", class: "kle-button" },
    "let Q relax: set T_Q = T");
  const probs = E.map((e, i) => output(`p${i}`, `P(level ${i + 1}), E = ${e} meV`, ""));
  const outs = {
    mean_energy: output("mean_energy", "mean energy ⟨E⟩ under P", "meV"),
    entropy: output("entropy", "entropy H(P)", "nats"),
    f_p: output("f_p", "F(P) = ⟨E⟩ − kT·H", "meV"),
    f_q: output("f_q", "F(Q) at the bath's T", "meV"),
    excess: output("excess", "excess F(Q) − F(P)", "meV"),
    kt_kl: output("kt_kl", "kT·D(Q‖P), D in nats", "meV"),
  };

  const W = 520, H = 280, T0 = 18, B = 44;
  const svg = frame(W, H);
  svg.setAttribute("aria-label",
    "Left: the energy levels with the populations of P and Q as horizontal bars. " +
    "Right: the free energy F(Q) against the trial temperature, lowest where Q = P.");
  // left panel: level diagram
  const LL = 58, LR = 238;
  const emin = Math.min(...E), emax = Math.max(...E);
  const span = emax - emin || 1;
  const yE = (e) => H - B - ((e - emin) / span) * (H - T0 - B - 10);
  svg.append(s("line", { x1: LL, y1: T0, x2: LL, y2: H - B + 6, class: "kle-frame" }));
  axisLabel(svg, "energy (meV)", 14, (T0 + H - B) / 2, true);
  axisLabel(svg, "population (bar length 0 to 1)", (LL + LR) / 2, H - 8);
  const barsP = [], barsQ = [];
  E.forEach((e) => {
    const y = yE(e);
    svg.append(s("line", { x1: LL, y1: y, x2: LR, y2: y, class: "kle-frame" }));
    const t = s("text", { x: LL - 5, y: y + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(e);
    svg.append(t);
    const bp = s("rect", { x: LL + 1, y: y - 7, height: 6, fill: COLORS.p });
    const bq = s("rect", { x: LL + 1, y: y + 1, height: 6, fill: COLORS.q });
    svg.append(bp, bq);
    barsP.push(bp);
    barsQ.push(bq);
  });
  // right panel: F over the family of Boltzmann distributions at every trial temperature
  const RL = 318, RR = W - 12;
  const lt0 = Math.log10(range.min), lt1 = Math.log10(range.max);
  const xT = (t) => RL + ((Math.log10(t) - lt0) / (lt1 - lt0)) * (RR - RL);
  svg.append(s("line", { x1: RL, y1: T0, x2: RL, y2: H - B, class: "kle-frame" }));
  svg.append(s("line", { x1: RL, y1: H - B, x2: RR, y2: H - B, class: "kle-frame" }));
  for (const t of [10, 100, 1000]) {
    const tick = s("text", { x: xT(t), y: H - B + 14, "text-anchor": "middle", class: "kle-tick" });
    tick.textContent = String(t);
    svg.append(tick);
  }
  axisLabel(svg, "T_Q (K, log scale)", (RL + RR) / 2, H - 8);
  axisLabel(svg, "F(Q) at the bath's T (meV)", RL - 42, (T0 + H - B) / 2, true);
  const yTicks = [0, 1].map(() => {
    const t = s("text", { x: RL - 5, "text-anchor": "end", class: "kle-tick" });
    svg.append(t);
    return t;
  });
  const floor = s("line", { x1: RL, x2: RR, stroke: COLORS.p, "stroke-dasharray": "4 3" });
  const atT = s("line", { y1: T0, y2: H - B, stroke: COLORS.p, "stroke-width": 1, "stroke-dasharray": "2 3" });
  const gap = s("line", { stroke: COLORS.term, "stroke-width": 3 });
  const curve = s("polyline", { fill: "none", stroke: COLORS.q, "stroke-width": 2 });
  const dot = s("circle", { r: 5, fill: COLORS.q, "data-marker": "trial" });
  svg.append(floor, atT, curve, gap, dot);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "P, equilibrium at T", "thick"), "  ",
    legendKey(COLORS.q, "Q, equilibrium at T_Q", "thick"), "  ",
    legendKey(COLORS.term, "kT·D(Q‖P)", "line"));

  const grid = [];
  for (let i = 0; i <= 80; i++) grid.push(10 ** (lt0 + (i / 80) * (lt1 - lt0)));

  const draw = timed(el, () => {
    temp.show();
    trial.show();
    const T = temp.value, TQ = trial.value;
    const P = thermoBoltzmann(E, T, K), Q = thermoBoltzmann(E, TQ, K);
    let mean = 0;
    for (let i = 0; i < E.length; i++) mean += P[i] * E[i];
    const fP = thermoFreeEnergy(P, E, T, K), fQ = thermoFreeEnergy(Q, E, T, K);
    P.forEach((pi, i) => probs[i].set(pi));
    outs.mean_energy.set(mean);
    outs.entropy.set(entropy(P, Math.E));
    outs.f_p.set(fP);
    outs.f_q.set(fQ);
    outs.excess.set(fQ - fP);
    outs.kt_kl.set(K * T * klDivergence(Q, P, Math.E));
    E.forEach((_, i) => {
      barsP[i].setAttribute("width", (P[i] * (LR - LL - 2)).toFixed(2));
      barsQ[i].setAttribute("width", (Q[i] * (LR - LL - 2)).toFixed(2));
    });
    const fs = grid.map((t) => thermoFreeEnergy(thermoBoltzmann(E, t, K), E, T, K));
    const top = Math.max(...fs, fQ);
    const height = Math.max(top - fP, 1e-9);
    const yF = (f) => H - B - 6 - ((f - fP) / height) * (H - T0 - B - 12);
    yTicks[0].setAttribute("y", (yF(fP) + 4).toFixed(1));
    const label = (v) => (Math.abs(v) < 0.05 ? "0.0" : v.toFixed(1));
    yTicks[0].textContent = label(fP);
    yTicks[1].setAttribute("y", (yF(top) + 4).toFixed(1));
    yTicks[1].textContent = label(top);
    curve.setAttribute("points", grid.map((t, i) => `${xT(t).toFixed(1)},${yF(fs[i]).toFixed(1)}`).join(" "));
    floor.setAttribute("y1", yF(fP));
    floor.setAttribute("y2", yF(fP));
    atT.setAttribute("x1", xT(T));
    atT.setAttribute("x2", xT(T));
    for (const [a, v] of [["x1", xT(TQ)], ["x2", xT(TQ)], ["y1", yF(fP)], ["y2", yF(fQ)]]) {
      gap.setAttribute(a, v.toFixed(1));
    }
    dot.setAttribute("cx", xT(TQ).toFixed(1));
    dot.setAttribute("cy", yF(fQ).toFixed(1));
    save(model, el, { temperature: T, trial_temperature: TQ });
  });
  temp.input.addEventListener("input", draw);
  trial.input.addEventListener("input", draw);
  reset.addEventListener("click", () => {
    trial.input.value = temp.input.value;
    draw();
  });
  el.append(temp.row, trial.row, h("div", { class: "kle-row" }, reset),
    ...probs.map((o) => o.row), ...Object.values(outs).map((o) => o.row), svg, legend);
  draw();
}

RENDERERS.thermo_levels = thermoLevels;
