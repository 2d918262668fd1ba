// kinds/betting_kelly.js: a renderer of kltools.explore (see core.js for the contract).

// --- a Kelly bettor, the market and the truth, on one event A --------------------

function bettingKelly({ model, el }) {
  const params = model.get("params");
  const range = { min: 0.01, max: 0.99, step: 0.01 };
  const belief = slider("belief", "your belief p(A), also your stake", { ...range, value: params.belief });
  const market = slider("market", "market's q(A), odds 1/q(A)", { ...range, value: params.market });
  const truth = slider("truth", "true probability r(A)", { ...range, value: params.truth });
  const same = h("button", { type: "button", "data-control": "truth-is-belief", class: "kle-button" },
    "set the truth to your belief");
  const outs = {
    kl_pq: output("kl_pq", "disagreement D(p‖q)"),
    kl_rq: output("kl_rq", "D(r‖q), market's error"),
    kl_rp: output("kl_rp", "D(r‖p), your error"),
    growth: output("growth", "growth D(r‖q) − D(r‖p)", "bits per bet"),
    perDoubling: output("bets_per_doubling", "1/G, bets per doubling", "bets"),
  };
  const W = 480, H = 250, L = 62, R = 20, T = 22, B = 40;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Growth rate of the Kelly bettor, in bits per bet, against the true probability r(A)");
  const x = (r) => L + r * (W - L - R);
  plotFrame(svg, { W, H, L, R, T, B }, x, [0, 0.25, 0.5, 0.75, 1]);
  axisLabel(svg, "true probability r(A)", (L + W - R) / 2, H - 6);
  axisLabel(svg, "growth (bits per bet)", 14, (T + H - B) / 2, true);
  const zero = s("line", { x1: L, x2: W - R, class: "kle-frame", "stroke-dasharray": "4 3" });
  const ticks = [1, 0, -1].map((sign) => {
    const t = s("text", { x: L - 6, "text-anchor": "end", class: "kle-tick" });
    svg.append(t);
    return { sign, t };
  });
  const markP = s("line", { stroke: COLORS.p, "stroke-width": 1.5, "stroke-dasharray": "5 3" });
  const markQ = s("line", { stroke: COLORS.q, "stroke-width": 1.5, "stroke-dasharray": "5 3" });
  const labP = s("text", { y: T - 8, "text-anchor": "middle", class: "kle-tick" });
  const labQ = s("text", { y: T - 8, "text-anchor": "middle", class: "kle-tick" });
  labP.textContent = "p";
  labQ.textContent = "q";
  const line = s("polyline", { fill: "none", stroke: COLORS.term, "stroke-width": 2.5 });
  const dot = s("circle", { r: 6, class: "kle-ink", "data-marker": "truth" });
  svg.append(zero, markP, markQ, labP, labQ, line, dot);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.term, "growth for every truth r(A)", "line"), "  ",
    legendKey(COLORS.p, "r = p", "dash"), "  ",
    legendKey(COLORS.q, "r = q", "dash"), "  ",
    legendKey("currentColor", "current truth", "dot"));

  const growthAt = (r, P, Q) => {
    const Rr = [r, 1 - r];
    return klDivergence(Rr, Q) - klDivergence(Rr, P);
  };
  const draw = timed(el, () => {
    for (const c of [belief, market, truth]) c.show();
    const p = belief.value, q = market.value, r = truth.value;
    const P = [p, 1 - p], Q = [q, 1 - q], Rr = [r, 1 - r];
    const g = klDivergence(Rr, Q) - klDivergence(Rr, P);
    outs.kl_pq.set(klDivergence(P, Q));
    outs.kl_rq.set(klDivergence(Rr, Q));
    outs.kl_rp.set(klDivergence(Rr, P));
    outs.growth.set(g);
    outs.perDoubling.set(g > 0 ? 1 / g : Infinity);
    // the growth is linear in r: scale the plot to its two ends
    const ends = [growthAt(0, P, Q), growthAt(1, P, Q)];
    const scale = Math.max(0.25, ...ends.map(Math.abs));
    const y = (v) => T + (1 - (v / scale + 1) / 2) * (H - T - B);
    zero.setAttribute("y1", y(0));
    zero.setAttribute("y2", y(0));
    for (const { sign, t } of ticks) {
      t.setAttribute("y", (y(sign * scale) + 4).toFixed(1));
      t.textContent = sign === 0 ? "0" : (sign * scale).toFixed(2);
    }
    const pts = [];
    for (let i = 0; i <= 20; i++) {
      const rr = i / 20;
      pts.push(`${x(rr).toFixed(1)},${y(growthAt(rr, P, Q)).toFixed(1)}`);
    }
    line.setAttribute("points", pts.join(" "));
    for (const [m, lab, v] of [[markP, labP, p], [markQ, labQ, q]]) {
      m.setAttribute("x1", x(v));
      m.setAttribute("x2", x(v));
      m.setAttribute("y1", T);
      m.setAttribute("y2", H - B);
      lab.setAttribute("x", x(v));
    }
    dot.setAttribute("cx", x(r).toFixed(2));
    dot.setAttribute("cy", y(g).toFixed(2));
    save(model, el, { belief: p, market: q, truth: r });
  });
  for (const c of [belief, market, truth]) c.input.addEventListener("input", draw);
  same.addEventListener("click", () => {
    truth.input.value = belief.input.value;
    draw();
  });
  el.append(belief.row, market.row, truth.row, h("div", { class: "kle-row" }, same),
    outs.kl_pq.row, outs.kl_rq.row, outs.kl_rp.row, outs.growth.row, outs.perDoubling.row, svg, legend);
  draw();
}

RENDERERS.betting_kelly = bettingKelly;
