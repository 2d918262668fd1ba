// kinds/approx_binning.js: a renderer of kltools.explore (see core.js for the contract).

// --- a Beta density kept only as k bin probabilities ----------------------------

function approxBinning({ model, el }) {
  const params = model.get("params");
  const tables = params.tables;
  const select = h("select", { "data-control": "shape", "aria-label": "density p" });
  for (const name of params.shapes) {
    const o = h("option", { value: name }, name);
    select.append(o);
  }
  select.value = params.shape;
  const shapeRow = h("label", { class: "kle-row" }, h("span", { class: "kle-label" }, "density p"), select);
  const bins = slider("bins", "number of bins, k", { min: 1, max: 40, step: 1, value: params.bins });
  const shown = bins.row.querySelector(".kle-value");
  const outs = {
    loss: output("loss", "information lost, D(p‖q)"),
    rate: output("rate", "bits to name the bin, H(P)"),
  };
  const W = 500, H = 230, T = 10, B = 40, L1 = 42, R1 = 270, L2 = 318, R2 = 490;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Left: the density p and its binned approximation q. Right: the information lost, in bits, against the number of bins");
  const yb = H - B;
  // left panel: density and bins
  const x1 = (v) => L1 + v * (R1 - L1);
  let ymax = 3;
  const y1 = (d) => T + (1 - Math.min(d, ymax) / ymax) * (yb - T);
  svg.append(s("line", { x1: L1, y1: yb, x2: R1, y2: yb, class: "kle-frame" }));
  svg.append(s("line", { x1: L1, y1: T, x2: L1, y2: yb, class: "kle-frame" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: x1(v), y: yb + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
  const yTicks = [0, 0.5, 1].map((f) => {
    const t = s("text", { x: L1 - 5, "text-anchor": "end", class: "kle-tick", "data-frac": f });
    svg.append(t);
    return t;
  });
  axisLabel(svg, "x", (L1 + R1) / 2, H - 6);
  axisLabel(svg, "density", 12, (T + yb) / 2, true);
  const steps = s("path", { fill: COLORS.q, "fill-opacity": 0.25, stroke: COLORS.q, "stroke-width": 1.5, "data-curve": "q" });
  const curve = s("path", { fill: "none", stroke: COLORS.p, "stroke-width": 2, "data-curve": "p" });
  svg.append(steps, curve);
  // right panel: loss against k, log-scaled k
  const kmax = 40;
  const x2 = (k) => L2 + (Math.log(k) / Math.log(kmax)) * (R2 - L2);
  let lmax = 1;
  const y2 = (bits) => T + (1 - Math.min(bits, lmax) / lmax) * (yb - T);
  svg.append(s("line", { x1: L2, y1: yb, x2: R2, y2: yb, class: "kle-frame" }));
  svg.append(s("line", { x1: L2, y1: T, x2: L2, y2: yb, class: "kle-frame" }));
  for (const k of [1, 2, 5, 10, 20, 40]) {
    const t = s("text", { x: x2(k), y: yb + 14, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(k);
    svg.append(t);
  }
  const lTicks = [0, 0.5, 1].map((f) => {
    const t = s("text", { x: L2 - 5, "text-anchor": "end", class: "kle-tick", "data-frac": f });
    svg.append(t);
    return t;
  });
  axisLabel(svg, "bins k (log scale)", (L2 + R2) / 2, H - 6);
  axisLabel(svg, "D(p‖q) (bits)", L2 - 34, (T + yb) / 2, true);
  const lossCurve = s("polyline", { fill: "none", stroke: COLORS.term, "stroke-width": 2 });
  const dot = s("circle", { r: 5, fill: COLORS.p, "data-marker": "current" });
  svg.append(lossCurve, dot);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p, the density", "line"), "  ",
    legendKey(COLORS.q, "q, each bin filled flat", "box"), "  ",
    legendKey(COLORS.term, "loss for every k", "line"));

  // D(p || q_k) = H(P) - log2 k - h(p), from the bin probabilities
  const lossOf = (tab, k) => Math.max(entropy(tab.probs[k - 1]) - Math.log2(k) - tab.h, 0);
  const draw = timed(el, () => {
    const shape = select.value, k = bins.value, tab = tables[shape];
    shown.textContent = String(k);
    const P = tab.probs[k - 1];
    const loss = lossOf(tab, k);
    outs.loss.set(loss);
    outs.rate.set(entropy(P));
    ymax = 1.1 * Math.max(...tab.pdf.slice(10, -10), ...P.map((v) => v * k), 1);
    for (const t of yTicks) {
      const d = Number(t.getAttribute("data-frac")) * ymax;
      t.setAttribute("y", (y1(d) + 4).toFixed(1));
      t.textContent = d.toFixed(1);
    }
    const pts = tab.x.map((v, i) => `${i ? "L" : "M"}${x1(v).toFixed(1)},${y1(tab.pdf[i]).toFixed(1)}`);
    curve.setAttribute("d", pts.join(""));
    let d = `M${x1(0).toFixed(1)},${yb}`;
    P.forEach((pi, i) => {
      const top = y1(pi * k).toFixed(1);
      d += `L${x1(i / k).toFixed(1)},${top}L${x1((i + 1) / k).toFixed(1)},${top}`;
    });
    steps.setAttribute("d", `${d}L${x1(1).toFixed(1)},${yb}Z`);
    const losses = [];
    for (let j = 1; j <= kmax; j++) losses.push(lossOf(tab, j));
    lmax = Math.max(1.1 * Math.max(...losses), 0.05);
    for (const t of lTicks) {
      const v = Number(t.getAttribute("data-frac")) * lmax;
      t.setAttribute("y", (y2(v) + 4).toFixed(1));
      t.textContent = v.toFixed(2);
    }
    lossCurve.setAttribute("points", losses.map((v, j) => `${x2(j + 1).toFixed(1)},${y2(v).toFixed(1)}`).join(" "));
    dot.setAttribute("cx", x2(k).toFixed(2));
    dot.setAttribute("cy", y2(loss).toFixed(2));
    save(model, el, { shape, bins: k });
  });
  select.addEventListener("change", draw);
  bins.input.addEventListener("input", draw);
  el.append(shapeRow, bins.row, outs.loss.row, outs.rate.row, svg, legend);
  draw();
}

RENDERERS.approx_binning = approxBinning;
