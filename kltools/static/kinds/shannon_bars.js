// kinds/shannon_bars.js: a renderer of kltools.explore (see core.js for the contract).

// --- one distribution the reader reshapes: its entropy against log2 n --------

function shannonBars({ model, el }) {
  const params = model.get("params");
  let p = normalize(params.p);
  const outs = {
    entropy: output("entropy", "H(p), entropy"),
    max_entropy: output("max_entropy", "log₂ n, the most n outcomes allow"),
    gap: output("gap", "log₂ n − H(p) = D(p‖uniform)"),
  };
  // how many outcomes: changing n keeps the first bars, new ones get 1/n
  const select = h("select", { "data-control": "n", "aria-label": "number of outcomes" });
  for (let k = 2; k <= 8; k++) {
    const o = h("option", { value: String(k) }, `${k} outcomes`);
    select.append(o);
  }
  select.value = String(p.length);
  const certain = h("button", { "data-control": "certain", type: "button" }, "all on outcome 1");
  const uniform = h("button", { "data-control": "uniform", type: "button" }, "make uniform");
  const controls = h("div", { class: "kle-row" }, select, certain, uniform);

  const W = 480, H = 270, L = 50, R = 10, T = 26, B = 44;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Bars of a distribution to drag, each labelled with its surprisal in bits, and the uniform level 1/n");
  const yBar = (v) => H - B - v * (H - B - T);
  // Dragging a bar (or the arrow keys) sets that outcome's probability; the
  // others are rescaled so the distribution still sums to 1.
  const attach = dragger(svg, {
    toValue: (evt) => pointerValue(svg, evt, H, H - B, T),
    get: (i) => p[i],
    name: (i) => `p(${outcomeName(i)})`,
    set: (i, v) => {
      p = withMass(p, i, v);
      draw();
    },
  });
  const base = s("g");
  const layer = s("g");
  svg.append(base, layer);
  base.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "kle-frame" }));
  base.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "kle-frame" }));
  for (const v of [0, 0.5, 1]) {
    const t = s("text", { x: L - 6, y: yBar(v) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = String(v);
    base.append(t);
  }
  axisLabel(svg, "probability", 14, (T + H - B) / 2, true);
  // the outcomes' own names if given, else their numbers under an axis title
  // (eight "outcome k" labels would not fit side by side)
  const named = () => params.labels && params.labels.length === p.length;
  const outcomeName = (i) => (named() ? params.labels[i] : `outcome ${i + 1}`);
  const outcomeTitle = axisLabel(svg, "outcome", (L + W - R) / 2, H - 6);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p", "box"), " ",
    legendKey(COLORS.q, "uniform level 1/n", "dash"),
    " — numbers above the bars: surprisal −log₂ p (bits); drag the top of a bar");

  let bars = [], notes = [], level = null;
  function build() {
    layer.replaceChildren();
    const n = p.length;
    const slot = (W - L - R) / n;
    bars = [];
    notes = [];
    for (let i = 0; i < n; i++) {
      const r = s("rect", {
        x: L + slot * i + slot * 0.2, width: slot * 0.6, fill: COLORS.p,
        "data-bar": `p-${i}`, "data-drag": "", class: "kle-bar", tabindex: 0,
      });
      attach(r, i);
      const note = s("text", { x: L + slot * (i + 0.5), "text-anchor": "middle", class: "kle-tick" });
      const lab = s("text", { x: L + slot * (i + 0.5), y: H - B + 16, "text-anchor": "middle", class: "kle-tick" });
      lab.textContent = named() ? params.labels[i] : String(i + 1);
      bars.push(r);
      notes.push(note);
      layer.append(r, note, lab);
    }
    level = s("line", {
      x1: L, x2: W - R, stroke: COLORS.q, "stroke-width": 1.5, "stroke-dasharray": "6 4",
    });
    layer.append(level);
    outcomeTitle.style.display = named() ? "none" : "";
  }

  const draw = timed(el, () => {
    const n = p.length;
    const u = new Array(n).fill(1 / n);
    outs.entropy.set(entropy(p));
    outs.max_entropy.set(Math.log2(n));
    outs.gap.set(klDivergence(p, u));
    level.setAttribute("y1", yBar(1 / n).toFixed(2));
    level.setAttribute("y2", yBar(1 / n).toFixed(2));
    for (let i = 0; i < n; i++) {
      bars[i].setAttribute("y", yBar(p[i]).toFixed(2));
      bars[i].setAttribute("height", (H - B - yBar(p[i])).toFixed(2));
      bars[i].setAttribute("data-value", String(p[i]));
      notes[i].setAttribute("y", (yBar(p[i]) - 4).toFixed(2));
      notes[i].textContent = p[i] > 0 ? (-Math.log2(p[i])).toFixed(2) : "∞";
    }
    save(model, el, { p: [...p] });
  });

  select.addEventListener("change", () => {
    const m = Number(select.value);
    const kept = Array.from({ length: m }, (_, i) => (i < p.length ? p[i] : 1 / m));
    const total = kept.reduce((a, b) => a + b, 0);
    p = total > 0 ? normalize(kept) : new Array(m).fill(1 / m);
    build();
    draw();
  });
  certain.addEventListener("click", () => {
    p = p.map((_, i) => (i === 0 ? 1 : 0));
    draw();
  });
  uniform.addEventListener("click", () => {
    p = p.map(() => 1 / p.length);
    draw();
  });
  el.append(outs.entropy.row, outs.max_entropy.row, outs.gap.row, controls, svg, legend);
  build();
  draw();
}

RENDERERS.shannon_bars = shannonBars;
