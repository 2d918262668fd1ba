// kinds/channel_dpi.js: a renderer of kltools.explore (see core.js for the contract).

// --- p and q through a binary symmetric channel: what survives ----------------

/** p = (1 - p1, p1) after n binary symmetric channels of flip e in series. */
function chanPush(p1, e, n) {
  const slope = (1 - 2 * e) ** n;
  const en = (1 - slope) / 2;
  return { en, slope, out: [(1 - p1) * (1 - en) + p1 * en, (1 - p1) * en + p1 * (1 - en)] };
}

/** kltools.channels.bsc_ratio: D after / D before, its limit when p1 == q1. */
function chanRatio(p1, q1, e, n) {
  const { en, slope } = chanPush(p1, e, n);
  if (p1 === q1) {
    const r = en + slope * p1;
    return (slope ** 2 * p1 * (1 - p1)) / (r * (1 - r));
  }
  const a = chanPush(p1, e, n).out, b = chanPush(q1, e, n).out;
  return klDivergence(a, b) / klDivergence([1 - p1, p1], [1 - q1, q1]);
}

function channelDpi({ model, el }) {
  const params = model.get("params");
  const ctl = {
    p1: slider("p1", "P(X = 1) under p", { min: 0.01, max: 0.99, step: 0.01, value: params.p1 }),
    q1: slider("q1", "P(X = 1) under q", { min: 0.01, max: 0.99, step: 0.01, value: params.q1 }),
    flip: slider("flip", "flip probability ε", { min: 0, max: 1, step: 0.01, value: params.flip }),
    uses: slider("uses", "channels in series, n", { min: 1, max: 10, step: 1, value: params.uses }),
  };
  const outs = {
    kl_before: output("kl_before", "before the channel, D(p‖q)"),
    kl_after: output("kl_after", "after the channel, D(pK‖qK)"),
    ratio: output("ratio", "fraction that survives, D(pK‖qK) / D(p‖q)", ""),
    eta: output("eta", "contraction coefficient, (1 − 2ε)^(2n)", ""),
  };
  const note = h("p", { class: "kle-note", "aria-live": "polite" });
  const W = 500, H = 360;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Top: bars of p and q before the channel and of pK and qK after it. Bottom: the divergence after the channel, in bits, against the flip probability, below the divergence before it and below the contraction bound");
  // top: two bar panels, probability of 0 and of 1
  const top = { T: 22, B: 140 };
  const panels = [{ L: 50, R: 240, title: "before: p, q" }, { L: 300, R: 490, title: "after: pK, qK" }];
  const yBar = (v) => top.B - v * (top.B - top.T);
  const bars = [];
  for (const [j, pan] of panels.entries()) {
    svg.append(s("line", { x1: pan.L, y1: top.B, x2: pan.R, y2: top.B, class: "kle-frame" }));
    svg.append(s("line", { x1: pan.L, y1: top.T, x2: pan.L, y2: top.B, class: "kle-frame" }));
    const title = s("text", { x: (pan.L + pan.R) / 2, y: 12, "text-anchor": "middle", class: "kle-tick" });
    title.textContent = pan.title;
    svg.append(title);
    for (const v of [0, 0.5, 1]) {
      const t = s("text", { x: pan.L - 5, y: yBar(v) + 4, "text-anchor": "end", class: "kle-tick" });
      t.textContent = String(v);
      svg.append(t);
    }
    const slot = (pan.R - pan.L) / 2;
    const row = { p: [], q: [] };
    for (let i = 0; i < 2; i++) {
      for (const [k, dx] of [["p", 0.14], ["q", 0.52]]) {
        const r = s("rect", { x: pan.L + slot * i + slot * dx, width: slot * 0.34, fill: COLORS[k], "data-bar": `${j ? "out" : "in"}-${k}-${i}` });
        row[k].push(r);
        svg.append(r);
      }
      const lab = s("text", { x: pan.L + slot * (i + 0.5), y: top.B + 14, "text-anchor": "middle", class: "kle-tick" });
      lab.textContent = j ? `Y = ${i}` : `X = ${i}`;
      svg.append(lab);
    }
    bars.push(row);
  }
  axisLabel(svg, "probability", 12, (top.T + top.B) / 2, true);
  // bottom: D(pK || qK) against the flip probability
  const low = { L: 50, R: 490, T: 185, B: 320 };
  const xs = (e) => low.L + e * (low.R - low.L);
  plotFrame(svg, { W, H, L: low.L, R: W - low.R, T: low.T, B: H - low.B }, xs, [0, 0.25, 0.5, 0.75, 1]);
  axisLabel(svg, "flip probability ε", (low.L + low.R) / 2, H - 10);
  axisLabel(svg, "bits", 12, (low.T + low.B) / 2, true);
  const yTicks = [0, 0.5, 1].map((f) => {
    const t = s("text", { x: low.L - 5, "text-anchor": "end", class: "kle-tick", "data-frac": f });
    svg.append(t);
    return t;
  });
  const before = s("line", { x1: low.L, x2: low.R, stroke: COLORS.p, "stroke-width": 1.5, "stroke-dasharray": "2 3" });
  const bound = s("polyline", { fill: "none", stroke: COLORS.q, "stroke-width": 1.5, "stroke-dasharray": "6 3" });
  const after = s("polyline", { fill: "none", stroke: COLORS.term, "stroke-width": 2 });
  const dot = s("circle", { r: 5, fill: COLORS.term, "data-marker": "current" });
  svg.append(before, bound, after, dot);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p", "box"), legendKey(COLORS.p, "D(p‖q)", "dots"), "  ",
    legendKey(COLORS.q, "q", "box"), legendKey(COLORS.q, "η·D(p‖q)", "dash"), "  ",
    legendKey(COLORS.term, "D(pK‖qK) for every ε", "line"));

  const draw = timed(el, () => {
    const v = { p1: ctl.p1.value, q1: ctl.q1.value, flip: ctl.flip.value, uses: Math.round(ctl.uses.value) };
    for (const [k, sl] of Object.entries(ctl)) {
      sl.show();
      const shown = sl.row.querySelector(".kle-value");
      if (k === "uses") shown.textContent = String(v.uses);
      sl.input.setAttribute("aria-valuetext", k === "uses" ? `${v.uses} ${v.uses === 1 ? "channel" : "channels"}` : shown.textContent);
    }
    const p = [1 - v.p1, v.p1], q = [1 - v.q1, v.q1];
    const pk = chanPush(v.p1, v.flip, v.uses).out, qk = chanPush(v.q1, v.flip, v.uses).out;
    const d0 = klDivergence(p, q), d1 = klDivergence(pk, qk);
    const ratio = chanRatio(v.p1, v.q1, v.flip, v.uses);
    const eta = (1 - 2 * v.flip) ** (2 * v.uses);
    outs.kl_before.set(d0);
    outs.kl_after.set(d1);
    outs.ratio.set(ratio);
    outs.eta.set(eta);
    note.textContent = v.p1 === v.q1
      ? "p = q: there is nothing to tell apart, and the fraction shown is its limit as q approaches p."
      : ratio >= eta * (1 - 1e-9)
        ? "The fraction has reached the contraction coefficient: this channel loses nothing more than it must."
        : `The channel keeps ${(100 * ratio).toFixed(1)} % of the divergence; no pair keeps more than ${(100 * eta).toFixed(1)} %.`;
    for (const [j, dists] of [[0, { p, q }], [1, { p: pk, q: qk }]]) {
      for (const k of ["p", "q"]) {
        for (let i = 0; i < 2; i++) {
          const val = dists[k][i];
          bars[j][k][i].setAttribute("y", yBar(val).toFixed(2));
          bars[j][k][i].setAttribute("height", (top.B - yBar(val)).toFixed(2));
          bars[j][k][i].setAttribute("data-value", String(val));
        }
      }
    }
    const ymax = Math.max(1.1 * d0, 0.01);
    const ys = (b) => low.B - (Math.min(b, ymax) / ymax) * (low.B - low.T);
    for (const t of yTicks) {
      const b = Number(t.getAttribute("data-frac")) * ymax;
      t.setAttribute("y", (ys(b) + 4).toFixed(1));
      t.textContent = b.toFixed(2);
    }
    before.setAttribute("y1", ys(d0).toFixed(1));
    before.setAttribute("y2", ys(d0).toFixed(1));
    const pa = [], pb = [];
    for (let i = 0; i <= 100; i++) {
      const e = i / 100;
      const a = chanPush(v.p1, e, v.uses).out, b = chanPush(v.q1, e, v.uses).out;
      pa.push(`${xs(e).toFixed(1)},${ys(klDivergence(a, b)).toFixed(1)}`);
      pb.push(`${xs(e).toFixed(1)},${ys((1 - 2 * e) ** (2 * v.uses) * d0).toFixed(1)}`);
    }
    after.setAttribute("points", pa.join(" "));
    bound.setAttribute("points", pb.join(" "));
    dot.setAttribute("cx", xs(v.flip).toFixed(2));
    dot.setAttribute("cy", ys(d1).toFixed(2));
    save(model, el, v);
  });
  for (const sl of Object.values(ctl)) sl.input.addEventListener("input", draw);
  el.append(...Object.values(ctl).map((c) => c.row), ...Object.values(outs).map((o) => o.row), note, svg, legend);
  for (const row of el.querySelectorAll(".kle-row")) row.style.flexWrap = "wrap";
  for (const lab of el.querySelectorAll(".kle-label")) lab.style.minWidth = "min(15rem, 100%)";
  draw();
}

RENDERERS.channel_dpi = channelDpi;
