// kinds/vi_mixture_fits.js: a renderer of kltools.explore (see core.js for the contract).

// --- one Gaussian fitted to a two-mode mixture, forward and reverse KL ---------
// The fits and their divergences are precomputed in Python (params); this
// renderer looks them up for the selected separation and weight and draws.

function viMixtureFits({ model, el }) {
  const params = model.get("params");
  const seps = params.separations, ws = params.weights;
  const sep = slider("separation", "distance between the modes, d", {
    min: seps[0], max: seps[seps.length - 1], step: seps[1] - seps[0], value: params.separation,
  });
  const wt = slider("weight", "weight of the left mode, w", {
    min: ws[0], max: ws[ws.length - 1], step: 0.1, value: params.weight,
  });
  const outs = {
    kl_fwd: output("kl_fwd", "D(p‖q_fwd), forward fit"),
    kl_rev: output("kl_rev", "D(q_rev‖p), reverse fit"),
  };
  const W = 480, H = 220, L = 50, R = 10, T = 10, B = 40;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Density of the mixture p and of the two Gaussian fits");
  const xmin = -8, xmax = 8, ymax = 0.45;
  const x = (v) => L + ((v - xmin) / (xmax - xmin)) * (W - L - R);
  const y = (d) => T + (1 - Math.min(d, ymax) / ymax) * (H - T - B);
  plotFrame(svg, { W, H, L, R, T, B }, x, [-8, -4, 0, 4, 8]);
  for (const d of [0, 0.2, 0.4]) {
    const t = s("text", { x: L - 6, y: y(d) + 4, "text-anchor": "end", class: "kle-tick" });
    t.textContent = d.toFixed(1);
    svg.append(t);
  }
  axisLabel(svg, "x", (L + W - R) / 2, H - 6);
  axisLabel(svg, "density", 14, (T + H - B) / 2, true);
  const curves = {
    p: s("path", { fill: "none", stroke: COLORS.p, "stroke-width": 2.5, "data-curve": "p" }),
    fwd: s("path", { fill: "none", stroke: COLORS.q, "stroke-width": 2, "stroke-dasharray": "6 4", "data-curve": "q_fwd" }),
    rev: s("path", { fill: "none", stroke: COLORS.q, "stroke-width": 2, "data-curve": "q_rev" }),
  };
  svg.append(curves.p, curves.fwd, curves.rev);
  const fitText = h("div", { class: "kle-legend" });
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p, the mixture", "line"), "  ",
    legendKey(COLORS.q, "q_fwd, minimises D(p‖q)", "dash"), "  ",
    legendKey(COLORS.q, "q_rev, minimises D(q‖p)", "line"));

  const path = (density) => {
    const pts = [];
    for (let i = 0; i <= 200; i++) {
      const v = xmin + (i / 200) * (xmax - xmin);
      pts.push(`${i ? "L" : "M"}${x(v).toFixed(1)},${y(density(v)).toFixed(1)}`);
    }
    return pts.join("");
  };
  const nearest = (grid, v) => {
    let best = 0;
    for (let i = 1; i < grid.length; i++) if (Math.abs(grid[i] - v) < Math.abs(grid[best] - v)) best = i;
    return best;
  };
  const draw = timed(el, () => {
    const j = nearest(seps, sep.value), i = nearest(ws, wt.value);
    const d = seps[j], w = ws[i];
    sep.show();
    wt.show();
    outs.kl_fwd.set(params.kl_fwd[i][j]);
    outs.kl_rev.set(params.kl_rev[i][j]);
    const mf = params.m_fwd[i][j], sf = params.s_fwd[i][j];
    const mr = params.m_rev[i][j], sr = params.s_rev[i][j];
    curves.p.setAttribute("d", path((v) => w * gaussianPdf(v, -d / 2, 1) + (1 - w) * gaussianPdf(v, d / 2, 1)));
    curves.fwd.setAttribute("d", path((v) => gaussianPdf(v, mf, sf)));
    curves.rev.setAttribute("d", path((v) => gaussianPdf(v, mr, sr)));
    fitText.textContent =
      `q_fwd = N(${mf.toFixed(2)}, ${sf.toFixed(2)}²)    q_rev = N(${mr.toFixed(2)}, ${sr.toFixed(2)}²)`;
    save(model, el, { separation: d, weight: w });
  });
  sep.input.addEventListener("input", draw);
  wt.input.addEventListener("input", draw);
  el.append(sep.row, wt.row, outs.kl_fwd.row, outs.kl_rev.row, svg, legend, fitText);
  draw();
}

RENDERERS.vi_mixture_fits = viMixtureFits;
