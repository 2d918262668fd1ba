// kinds/coding_code_lengths.js: a renderer of kltools.explore (see core.js for the contract).

// --- a code built for q, used on data from p ------------------------------------

/** Shannon code lengths ceil(-log2 q), as kltools.coding.shannon_lengths. */
function shannonLengths(q) {
  return q.map((qi) => Math.max(Math.ceil(-Math.log2(qi) - 1e-12), 0));
}

/** Expected length sum p * len, with 0 * Infinity = 0. */
function expectedLength(p, len) {
  let s = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) s += p[i] * len[i];
  return s;
}

function codingCodeLengths({ model, el }) {
  const params = model.get("params");
  const dist = { p: normalize(params.p), q: normalize(params.q) };
  const n = dist.p.length;
  const outs = {
    entropy_p: output("entropy_p", "H(p), the best possible average"),
    cross_entropy: output("cross_entropy", "H(p, q)"),
    kl_pq: output("kl_pq", "D(p‖q) = H(p, q) − H(p)"),
    length_p: output("length_p", "average length, code built for p"),
    length_q: output("length_q", "average length, code built for q"),
    excess: output("excess", "excess of the q code"),
  };
  const W = 480, H = 300, L = 62, R = 10, T = 10;
  const base = 170; // bars above, a length comparison below
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Bars of p and q to drag, codeword lengths, and average lengths in bits");
  const slot = (W - L - R) / n;
  const barW = slot * 0.36;
  const yBar = (v) => base - 30 - v * (base - 30 - T);
  svg.append(s("line", { x1: L, y1: base - 30, x2: W - R, y2: base - 30, class: "kle-frame" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: base - 30, class: "kle-frame" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: L - 6, y: yBar(v) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(v);
    svg.append(t);
  }
  axisLabel(svg, "probability", 14, (T + base - 30) / 2, true);
  const bars = pairBars(svg, n, L, slot, barW, params.labels || []);
  const lenText = [];
  for (let i = 0; i < n; i++) {
    const lab = s("text", { x: L + slot * (i + 0.5), y: base - 16, "text-anchor": "middle", class: "kle-tick" });
    lab.textContent = (params.labels || [])[i] ?? `outcome ${i + 1}`;
    svg.append(lab);
    const lt = s("text", { x: L + slot * (i + 0.5), y: base - 3, "text-anchor": "middle", class: "kle-tick" });
    lenText.push(lt);
    svg.append(lt);
  }
  // lower panel: average bits per outcome as horizontal bars
  const rows = [
    ["entropy_p", "H(p)", COLORS.p],
    ["cross_entropy", "H(p, q)", COLORS.q],
    ["length_q", "E_p[ℓ_q]", COLORS.term],
  ];
  const top = base + 12, rowH = 30, x0 = L + 40, x1 = W - R - 50;
  const hbars = rows.map(([key, label, color], j) => {
    const y = top + j * rowH;
    const t = s("text", { x: x0 - 6, y: y + 15, "text-anchor": "end", class: "kle-tick" });
    t.textContent = label;
    const r = s("rect", { x: x0, y: y + 3, height: rowH - 10, fill: color, "data-length": key });
    const v = s("text", { y: y + 15, class: "kle-tick" });
    svg.append(t, r, v);
    // an infinite average runs off the scale as an arrow marked ∞
    const inf = infinityMark(svg, color);
    return { r, v, inf, y: y + rowH / 2 - 2 };
  });
  const axisY = top + rows.length * rowH;
  svg.append(s("line", { x1: x0, y1: axisY, x2: x1, y2: axisY, class: "kle-frame" }));
  axisLabel(svg, "average bits per outcome", (x0 + x1) / 2, H - 4);
  const maxTick = s("text", { x: x1, y: axisY + 12, "text-anchor": "middle", class: "kle-tick" });
  const zeroTick = s("text", { x: x0, y: axisY + 12, "text-anchor": "middle", class: "kle-tick" });
  zeroTick.textContent = "0";
  svg.append(maxTick, zeroTick);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p (the data)", "box"), " ",
    legendKey(COLORS.q, "q (the code)", "box"),
    " — drag the top of a bar; ℓ is the codeword length, in bits, of the code built for q");

  const draw = timed(el, () => {
    const { p, q } = dist;
    const lenQ = shannonLengths(q);
    const lenP = shannonLengths(p);
    const hp = entropy(p);
    const hpq = crossEntropy(p, q);
    const eq = expectedLength(p, lenQ);
    const ep = expectedLength(p, lenP);
    outs.entropy_p.set(hp);
    outs.cross_entropy.set(hpq);
    outs.kl_pq.set(klDivergence(p, q));
    outs.length_p.set(ep);
    outs.length_q.set(eq);
    outs.excess.set(eq - ep);
    const finite = [hp, hpq, eq].filter(Number.isFinite);
    const scale = Math.max(2, Math.ceil(Math.max(...finite)));
    maxTick.textContent = String(scale);
    [hp, hpq, eq].forEach((v, j) => {
      const w = Number.isFinite(v) ? (v / scale) * (x1 - x0) : 0;
      hbars[j].r.setAttribute("width", w.toFixed(2));
      hbars[j].v.setAttribute("x", (x0 + w + 4).toFixed(1));
      hbars[j].v.textContent = Number.isFinite(v) ? fmt(v, 3) : "";
      if (Number.isFinite(v)) hbars[j].inf.hide();
      else hbars[j].inf.showRight(x0, x1 + 30, hbars[j].y);
    });
    for (let i = 0; i < n; i++) {
      for (const k of ["p", "q"]) {
        const v = dist[k][i];
        bars[k][i].setAttribute("y", yBar(v).toFixed(2));
        bars[k][i].setAttribute("height", (base - 30 - yBar(v)).toFixed(2));
        bars[k][i].setAttribute("data-value", String(v));
      }
      lenText[i].textContent = Number.isFinite(lenQ[i]) ? `ℓ = ${lenQ[i]}` : "no codeword";
    }
    save(model, el, { p: [...p], q: [...q] });
  });

  // Dragging a bar (or the arrow keys) sets that outcome's probability; the
  // others are rescaled so the distribution still sums to 1.
  const attach = dragger(svg, {
    toValue: (evt) => pointerValue(svg, evt, H, base - 30, T),
    get: ([k, i]) => dist[k][i],
    set: ([k, i], v) => {
      dist[k] = withMass(dist[k], i, v);
      draw();
    },
  });
  for (const k of ["p", "q"]) bars[k].forEach((bar, i) => attach(bar, [k, i]));
  el.append(...Object.values(outs).map((o) => o.row), svg, legend);
  draw();
}

RENDERERS.coding_code_lengths = codingCodeLengths;
