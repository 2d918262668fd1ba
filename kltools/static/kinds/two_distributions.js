// kinds/two_distributions.js: a renderer of kltools.explore (see core.js for the contract).

// --- two distributions the reader drags ----------------------------------------

function twoDistributions({ model, el }) {
  const params = model.get("params");
  const dist = { p: normalize(params.p), q: normalize(params.q) };
  const n = dist.p.length;
  const outs = {
    kl_pq: output("kl_pq", "D(p‖q)"),
    kl_qp: output("kl_qp", "D(q‖p)"),
    js: output("js", "JS(p, q)"),
  };
  const W = 480, H = 300, L = 62, R = 10, T = 10, B = 36;
  const mid = T + 150; // bars above, pointwise terms below
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Bars of p and q to drag, and the pointwise terms p log(p/q)");
  const slot = (W - L - R) / n;
  const barW = slot * 0.36;
  const yBar = (v) => mid - 10 - v * (mid - 10 - T);
  svg.append(s("line", { x1: L, y1: mid - 10, x2: W - R, y2: mid - 10, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: mid - 10, class: "kle-frame" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: L - 6, y: yBar(v) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
  axisLabel(svg, "probability", 14, (T + mid) / 2, true);
  axisLabel(svg, "term (bits)", 14, (mid + H - B) / 2 + 10, true);
  const bars = pairBars(svg, n, L, slot, barW, params.labels || []);
  const terms = [];
  const zeroLine = s("line", { x1: L, x2: W - R, class: "kle-frame" });
  svg.append(zeroLine);
  // the lower panel rescales to its largest finite term; ticks show the scale
  const termTicks = [1, 0, -1].map((sign) => {
    const t = s("text", { x: L - 6, "text-anchor": "end", class: "kle-tick", "data-sign": sign });
    svg.append(t);
    return t;
  });
  for (let i = 0; i < n; i++) {
    const t = s("rect", { x: L + slot * i + slot * 0.3, width: slot * 0.4, fill: COLORS.term, "data-term": String(i) });
    terms.push(t);
    svg.append(t);
    const lab = s("text", { x: L + slot * (i + 0.5), y: H - 8, "text-anchor": "middle", class: "kle-tick" });
    lab.textContent = (params.labels || [])[i] ?? `outcome ${i + 1}`;
    svg.append(lab);
  }
  // an infinite term runs off the panel as an arrow marked ∞
  const infinite = terms.map(() => infinityMark(svg, COLORS.term));
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p", "box"), " ",
    legendKey(COLORS.q, "q", "box"), " ",
    legendKey(COLORS.term, "p·log₂(p/q)", "box"),
    " — drag the top of a bar to reshape p or q; ∞: an infinite term");

  const draw = timed(el, () => {
    const { p, q } = dist;
    outs.kl_pq.set(klDivergence(p, q));
    outs.kl_qp.set(klDivergence(q, p));
    outs.js.set(jsDivergence(p, q));
    const tv = klTerms(p, q);
    const finite = tv.filter(Number.isFinite).map(Math.abs);
    const scale = Math.max(0.5, ...finite);
    const termH = H - B - 20 - (mid + 10);
    const y0 = mid + 10 + termH / 2;
    zeroLine.setAttribute("y1", y0);
    zeroLine.setAttribute("y2", y0);
    for (const t of termTicks) {
      const sign = Number(t.getAttribute("data-sign"));
      t.setAttribute("y", (y0 - sign * (termH / 2) + 4).toFixed(1));
      t.textContent = sign === 0 ? "0" : (sign * scale).toFixed(2);
    }
    for (let i = 0; i < n; i++) {
      for (const k of ["p", "q"]) {
        const v = dist[k][i];
        bars[k][i].setAttribute("y", yBar(v).toFixed(2));
        bars[k][i].setAttribute("height", (mid - 10 - yBar(v)).toFixed(2));
        bars[k][i].setAttribute("data-value", String(v));
      }
      const t = Number.isFinite(tv[i]) ? tv[i] : 0;
      const hgt = (Math.abs(t) / scale) * (termH / 2);
      terms[i].setAttribute("y", (t >= 0 ? y0 - hgt : y0).toFixed(2));
      terms[i].setAttribute("height", hgt.toFixed(2));
      terms[i].setAttribute("data-value", String(tv[i]));
      if (tv[i] === Infinity) infinite[i].show(L + slot * (i + 0.5), y0, y0 - termH / 2 - 8);
      else infinite[i].hide();
    }
    save(model, el, { p: [...p], q: [...q] });
  });

  // Dragging a bar (or the arrow keys) sets that outcome's probability; the
  // others are rescaled so the distribution still sums to 1.
  const attach = dragger(svg, {
    toValue: (evt) => pointerValue(svg, evt, H, mid - 10, T),
    get: ([k, i]) => dist[k][i],
    set: ([k, i], v) => {
      dist[k] = withMass(dist[k], i, v);
      draw();
    },
  });
  for (const k of ["p", "q"]) bars[k].forEach((bar, i) => attach(bar, [k, i]));
  el.append(outs.kl_pq.row, outs.kl_qp.row, outs.js.row, svg, legend);
  draw();
}

RENDERERS.two_distributions = twoDistributions;
