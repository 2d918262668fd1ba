// kinds/black_swan.js: a renderer of kltools.explore (see core.js for the contract).

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
    legendKey(COLORS.p, "p, after", "box"), "  ",
    legendKey(COLORS.q, "q, before", "box"),
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
    save(model, el, { prior: q, posterior: p });
  });
  prior.input.addEventListener("input", draw);
  posterior.input.addEventListener("input", draw);
  el.append(prior.row, posterior.row, outs.kl_pq.row, outs.kl_qp.row, svg, legend);
  draw();
}

RENDERERS.black_swan = blackSwan;
