// kinds/kl_policy.js: a renderer of kltools.explore (see core.js for the contract).

// --- the KL-regularised policy: pi* = pi_ref exp(r / beta) / Z, and its frontier ---

// As kltools.mlkl: log-weights log pi_ref + r / beta (-Infinity where pi_ref = 0),
// shifted by their maximum before exp, so a small beta neither overflows nor
// gives NaN.
function policyLogWeights(reward, reference, beta) {
  return reward.map((r, i) => (reference[i] > 0 ? Math.log(reference[i]) + r / beta : -Infinity));
}

/** pi*_beta and beta log Z, as kltools.mlkl.kl_regularized_policy / policy_value. */
function policyOptimum(reward, reference, beta) {
  const w = policyLogWeights(reward, reference, beta);
  const top = Math.max(...w);
  const e = w.map((x) => Math.exp(x - top));
  let z = 0;
  for (const x of e) z += x;
  return { pi: e.map((x) => x / z), value: beta * (top + Math.log(z)) };
}

/** Uniform over the responses of largest reward: the policy that ignores pi_ref. */
function policyGreedy(reward) {
  const best = Math.max(...reward);
  const m = reward.filter((r) => r === best).length;
  return reward.map((r) => (r === best ? 1 / m : 0));
}

function klPolicy({ model, el }) {
  const params = model.get("params");
  const labels = params.labels;
  const n = labels.length;
  const RMIN = params.reward_min, RMAX = params.reward_max;
  let reference = [...params.reference];
  let reward = [...params.reward];

  const beta = slider("beta", "penalty weight β (reward per nat)", {
    min: params.beta_min, max: params.beta_max, step: "any", value: params.beta, log: true,
  });
  const probs = labels.map((lab, i) => output(`pi${i}`, `π*(${lab})`, ""));
  const outs = {
    expected_reward: output("expected_reward", "expected reward E_π*[r]", "reward"),
    kl: output("kl", "D(π*‖π_ref)", "nats"),
    value: output("value", "value β·log Z = E_π*[r] − β·D", "reward"),
    reference_reward: output("reference_reward", "E_π_ref[r], the reference's reward", "reward"),
    greedy_kl: output("greedy_kl", "D(greedy‖π_ref), greedy = best reward only", "nats"),
  };

  // --- the bars: rewards above, probabilities below ---------------------------
  const W = 520, H = 300, L = 56, R = 10;
  const RT = 14, RB = 112; // reward panel, y range
  const PT = 136, PB = 262; // probability panel
  const svg = frame(W, H);
  svg.setAttribute("aria-label",
    "Top: the reward of each response, as bars to drag. Bottom: the reference policy " +
    "(bars to drag) and the optimal policy π* beside it, for each response.");
  const slot = (W - L - R) / n;
  const yR = (r) => RB - ((r - RMIN) / (RMAX - RMIN)) * (RB - RT);
  const yP = (p) => PB - p * (PB - PT);
  svg.append(s("line", { x1: L, y1: RT, x2: L, y2: RB, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: yR(0), x2: W - R, y2: yR(0), class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: PT, x2: L, y2: PB, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: PB, x2: W - R, y2: PB, class: "kle-frame" }));
  const tick = (x, y, text, anchor = "end") => {
    const t = s("text", { x, y, "text-anchor": anchor, class: "kle-tick" });
    t.textContent = text;
    svg.append(t);
  };
  for (const v of [RMIN, 0, RMAX]) tick(L - 5, yR(v) + 4, String(v));
  for (const v of [0, 0.5, 1]) tick(L - 5, yP(v) + 4, String(v));
  axisLabel(svg, "reward", 14, (RT + RB) / 2, true);
  axisLabel(svg, "probability", 14, (PT + PB) / 2, true);
  labels.forEach((lab, i) => tick(L + slot * (i + 0.5), H - 20, lab, "middle"));

  const handle = (kind, i) => s("circle", {
    r: 8, fill: "#fff", "stroke-width": 2.5, class: "kle-bar", "data-handle": `${kind}-${i}`,
  });
  const rewardBars = [], rewardHandles = [], refBars = [], refHandles = [], piBars = [];
  for (let i = 0; i < n; i++) {
    const x0 = L + slot * i;
    const rb = s("rect", { x: x0 + slot * 0.3, width: slot * 0.4, fill: COLORS.term });
    const rh = handle("reward", i);
    rh.setAttribute("cx", x0 + slot * 0.5);
    rh.setAttribute("stroke", COLORS.term);
    const qb = s("rect", { x: x0 + slot * 0.14, width: slot * 0.34, fill: COLORS.q });
    const qh = handle("reference", i);
    qh.setAttribute("cx", x0 + slot * 0.31);
    qh.setAttribute("stroke", COLORS.q);
    const pb = s("rect", { x: x0 + slot * 0.52, width: slot * 0.34, fill: COLORS.p });
    svg.append(rb, qb, pb, rh, qh);
    rewardBars.push(rb);
    rewardHandles.push(rh);
    refBars.push(qb);
    refHandles.push(qh);
    piBars.push(pb);
  }

  // --- the frontier: E[r] against D(pi*||pi_ref) over every beta --------------
  const FW = 520, FH = 240, FL = 56, FR = 14, FT = 14, FB = 40;
  const fsvg = frame(FW, FH);
  fsvg.setAttribute("aria-label",
    "The reward-KL frontier: expected reward of the optimal policy against its " +
    "divergence from the reference, for every β, with the current optimum marked and " +
    "the tangent of slope β that meets the vertical axis at the value β log Z.");
  fsvg.append(s("line", { x1: FL, y1: FH - FB, x2: FW - FR, y2: FH - FB, class: "kle-frame" }));
  fsvg.append(s("line", { x1: FL, y1: FT, x2: FL, y2: FH - FB, class: "kle-frame" }));
  axisLabel(fsvg, "D(π*‖π_ref) (nats)", (FL + FW - FR) / 2, FH - 6);
  axisLabel(fsvg, "expected reward", 14, (FT + FH - FB) / 2, true);
  const ticks = s("g");
  const curve = s("polyline", { fill: "none", stroke: COLORS.p, "stroke-width": 2 });
  const tangent = s("line", { stroke: COLORS.term, "stroke-width": 1.5, "stroke-dasharray": "5 3" });
  const valueDot = s("circle", { r: 4, fill: COLORS.term, "data-marker": "value" });
  const dot = s("circle", { r: 6, fill: COLORS.p, stroke: "#fff", "stroke-width": 1.5, "data-marker": "optimum" });
  // the greedy policy (best reward only, blind to pi_ref): a point at its
  // divergence, or, when that is infinite, an arrow running off to the right
  const greedyDot = s("path", { d: "M0,-6L1.8,-1.9L5.7,-1.9L2.6,0.7L3.5,4.9L0,2.4L-3.5,4.9L-2.6,0.7L-5.7,-1.9L-1.8,-1.9Z",
    class: "kle-ink", "data-marker": "greedy" });
  fsvg.append(ticks, curve, tangent, valueDot, greedyDot, dot);
  const greedyInf = infinityMark(fsvg);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.term, "reward"), " ", legendKey(COLORS.q, "π_ref"), " ", legendKey(COLORS.p, "π*"),
    " — drag the round handles (or focus one and use the arrow keys, Page Up/Down, Home/End)");
  const legend2 = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "the frontier over β", "line"), " ", legendKey(COLORS.p, "the optimum at this β", "dot"), " ",
    legendKey(COLORS.term, "slope β, meeting D = 0 at β·log Z", "dash"), " ",
    h("span", { class: "kle-key" }, h("span", { "aria-hidden": "true" }, "★ "),
      "the greedy policy (an arrow and ∞ when its divergence is infinite)"));

  const grid = [];
  const lb0 = Math.log10(params.beta_min), lb1 = Math.log10(params.beta_max);
  for (let i = 0; i <= 80; i++) grid.push(10 ** (lb0 + (i / 80) * (lb1 - lb0)));

  const fmt3 = (v) => (v === Infinity ? "∞" : v.toFixed(3));
  const draw = timed(el, () => {
    beta.show();
    const b = beta.value;
    const { pi, value } = policyOptimum(reward, reference, b);
    let er = 0, eref = 0;
    for (let i = 0; i < n; i++) {
      er += pi[i] * reward[i];
      eref += reference[i] * reward[i];
    }
    const kl = klDivergence(pi, reference, Math.E);
    pi.forEach((x, i) => probs[i].set(x));
    outs.expected_reward.set(er);
    outs.kl.set(kl);
    outs.value.set(value);
    outs.reference_reward.set(eref);
    const greedyKl = klDivergence(policyGreedy(reward), reference, Math.E);
    outs.greedy_kl.set(greedyKl);

    for (let i = 0; i < n; i++) {
      const top = Math.min(yR(reward[i]), yR(0)), bottom = Math.max(yR(reward[i]), yR(0));
      rewardBars[i].setAttribute("y", top.toFixed(2));
      rewardBars[i].setAttribute("height", (bottom - top).toFixed(2));
      rewardHandles[i].setAttribute("cy", yR(reward[i]).toFixed(2));
      refBars[i].setAttribute("y", yP(reference[i]).toFixed(2));
      refBars[i].setAttribute("height", (PB - yP(reference[i])).toFixed(2));
      refHandles[i].setAttribute("cy", yP(reference[i]).toFixed(2));
      piBars[i].setAttribute("y", yP(pi[i]).toFixed(2));
      piBars[i].setAttribute("height", (PB - yP(pi[i])).toFixed(2));
    }

    // the frontier, on axes that hold the whole curve and the tangent's ends
    const pts = grid.map((g) => {
      const o = policyOptimum(reward, reference, g);
      let e = 0;
      for (let i = 0; i < n; i++) e += o.pi[i] * reward[i];
      return [klDivergence(o.pi, reference, Math.E), e];
    });
    const greedyR = Math.max(...reward);
    const finiteGreedy = Number.isFinite(greedyKl);
    const xmax = Math.max(1e-3, ...pts.map((p) => p[0]), kl, finiteGreedy ? greedyKl : 0) * 1.05;
    const ys = [...pts.map((p) => p[1]), er, value, eref, greedyR];
    let ylo = Math.min(...ys), yhi = Math.max(...ys);
    if (yhi - ylo < 1e-3) { ylo -= 0.05; yhi += 0.05; }
    const pad = 0.08 * (yhi - ylo);
    ylo -= pad;
    yhi += pad;
    const fx = (d) => FL + (d / xmax) * (FW - FL - FR);
    const fy = (e) => FH - FB - ((e - ylo) / (yhi - ylo)) * (FH - FT - FB);
    ticks.replaceChildren();
    for (const d of [0, xmax / 2, xmax]) {
      const t = s("text", { x: fx(d), y: FH - FB + 14, "text-anchor": "middle", class: "kle-tick" });
      t.textContent = d.toFixed(2);
      ticks.append(t);
    }
    for (const e of [ylo + pad, yhi - pad]) {
      const t = s("text", { x: FL - 5, y: fy(e) + 4, "text-anchor": "end", class: "kle-tick" });
      t.textContent = e.toFixed(2);
      ticks.append(t);
    }
    curve.setAttribute("points", pts.map(([d, e]) => `${fx(d).toFixed(1)},${fy(e).toFixed(1)}`).join(" "));
    // tangent of slope beta through the optimum, from D = 0 (where it is the value)
    const x2 = xmax, y2 = value + b * x2;
    tangent.setAttribute("x1", fx(0).toFixed(1));
    tangent.setAttribute("y1", fy(value).toFixed(1));
    const yEnd = Math.min(Math.max(y2, ylo), yhi);
    const xEnd = b > 0 ? Math.min(x2, (yEnd - value) / b) : x2;
    tangent.setAttribute("x2", fx(xEnd).toFixed(1));
    tangent.setAttribute("y2", fy(yEnd).toFixed(1));
    valueDot.setAttribute("cx", fx(0).toFixed(1));
    valueDot.setAttribute("cy", fy(value).toFixed(1));
    if (finiteGreedy) {
      greedyInf.hide();
      greedyDot.style.display = "";
      greedyDot.setAttribute("transform", `translate(${fx(greedyKl).toFixed(1)},${fy(greedyR).toFixed(1)})`);
    } else {
      // an infinite divergence is drawn as infinite: an arrow off the plot, "∞"
      greedyDot.style.display = "none";
      greedyInf.showRight(fx(xmax * 0.8), FW - FR - 6, fy(greedyR));
    }
    dot.setAttribute("cx", fx(kl).toFixed(1));
    dot.setAttribute("cy", fy(er).toFixed(1));
    fsvg.setAttribute("data-summary", `D = ${fmt3(kl)} nats, E[r] = ${er.toFixed(3)}`);
    save(model, el, { beta: b, reward: [...reward], reference: [...reference] });
  });

  // dragging: the pointer and the keys set a reward, or a reference probability
  // (the other probabilities rescale so the reference still sums to 1)
  const clip = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
  const setReward = (i, v) => {
    reward[i] = clip(v, RMIN, RMAX);
    draw();
  };
  const setRef = (i, v) => {
    reference = withMass(reference, i, v);
    draw();
  };
  const attachReward = dragger(svg, {
    toValue: (evt) => RMIN + pointerValue(svg, evt, H, yR(RMIN), yR(RMAX)) * (RMAX - RMIN),
    get: (i) => reward[i], set: setReward, step: 0.05, page: 0.25, min: RMIN, max: RMAX,
    name: (i) => `reward of ${labels[i]}`, text: (v) => v.toFixed(2), hits: false,
  });
  const attachRef = dragger(svg, {
    toValue: (evt) => pointerValue(svg, evt, H, yP(0), yP(1)),
    get: (i) => reference[i], set: setRef, step: 0.01, page: 0.1, min: 0, max: 1,
    name: (i) => `π_ref(${labels[i]})`, text: (v) => v.toFixed(3), hits: false,
  });
  // a bar is a larger grip for its handle: pressing it starts the handle's drag
  const grip = (bar, mark) => {
    bar.classList.add("kle-bar"); // the resize cursor
    bar.style.touchAction = "none"; // a finger on the bar drags it, not the page
    bar.addEventListener("pointerdown", (evt) => {
      evt.preventDefault();
      mark.dispatchEvent(new PointerEvent("pointerdown", evt));
    });
  };
  for (let i = 0; i < n; i++) {
    attachReward(rewardHandles[i], i);
    attachRef(refHandles[i], i);
    grip(rewardBars[i], rewardHandles[i]);
    grip(refBars[i], refHandles[i]);
  }
  beta.input.addEventListener("input", draw);
  el.append(beta.row, svg, legend, ...probs.map((o) => o.row),
    ...Object.values(outs).map((o) => o.row), fsvg, legend2);
  draw();
}

RENDERERS.kl_policy = klPolicy;
