// kinds/gaussians.js: a renderer of kltools.explore (see core.js for the contract).

// --- two Gaussians -------------------------------------------------------------

function gaussians({ model, el }) {
  const params = model.get("params");
  const ctl = {
    mu_p: slider("mu_p", "mean of p, μ_p", { min: -4, max: 4, step: 0.05, value: params.mu_p }),
    sigma_p: slider("sigma_p", "std. dev. of p, σ_p", { min: 0.2, max: 3, step: 0.05, value: params.sigma_p }),
    mu_q: slider("mu_q", "mean of q, μ_q", { min: -4, max: 4, step: 0.05, value: params.mu_q }),
    sigma_q: slider("sigma_q", "std. dev. of q, σ_q", { min: 0.2, max: 3, step: 0.05, value: params.sigma_q }),
  };
  const outs = { kl_pq: output("kl_pq", "D(p‖q)"), kl_qp: output("kl_qp", "D(q‖p)") };
  const W = 480, H = 220, L = 50, R = 10, T = 10, B = 40;
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Densities of the two Gaussians p and q");
  const xmin = -8, xmax = 8;
  let ymax = 1;
  const x = (v) => L + ((v - xmin) / (xmax - xmin)) * (W - L - R);
  const y = (d) => T + (1 - Math.min(d, ymax) / ymax) * (H - T - B);
  plotFrame(svg, { W, H, L, R, T, B }, x, [-8, -4, 0, 4, 8]);
  axisLabel(svg, "x", (L + W - R) / 2, H - 6);
  axisLabel(svg, "density", 14, (T + H - B) / 2, true);
  const curves = {
    p: s("path", { fill: "none", stroke: COLORS.p, "stroke-width": 2, "data-curve": "p" }),
    q: s("path", { fill: "none", stroke: COLORS.q, "stroke-width": 2, "data-curve": "q" }),
  };
  svg.append(curves.p, curves.q);
  const yTicks = [0, 0.5, 1].map((f) => {
    const t = s("text", { x: L - 6, "text-anchor": "end", class: "kle-tick", "data-frac": f });
    svg.append(t);
    return t;
  });
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "p", "line"), "  ",
    legendKey(COLORS.q, "q", "line"));

  const path = (mu, sigma) => {
    const pts = [];
    for (let i = 0; i <= 200; i++) {
      const v = xmin + (i / 200) * (xmax - xmin);
      pts.push(`${i ? "L" : "M"}${x(v).toFixed(1)},${y(gaussianPdf(v, mu, sigma)).toFixed(1)}`);
    }
    return pts.join("");
  };
  const draw = timed(el, () => {
    const v = Object.fromEntries(Object.entries(ctl).map(([k, c]) => [k, c.value]));
    Object.values(ctl).forEach((c) => c.show());
    outs.kl_pq.set(gaussianKL(v.mu_p, v.sigma_p, v.mu_q, v.sigma_q));
    outs.kl_qp.set(gaussianKL(v.mu_q, v.sigma_q, v.mu_p, v.sigma_p));
    // the taller curve fills the frame: the peak density is 1/(σ√(2π))
    ymax = 1.1 / (Math.min(v.sigma_p, v.sigma_q) * Math.sqrt(2 * Math.PI));
    for (const t of yTicks) {
      const d = Number(t.getAttribute("data-frac")) * ymax;
      t.setAttribute("y", (y(d) + 4).toFixed(1));
      t.textContent = d.toFixed(2);
    }
    curves.p.setAttribute("d", path(v.mu_p, v.sigma_p));
    curves.q.setAttribute("d", path(v.mu_q, v.sigma_q));
    save(model, el, v);
  });
  Object.values(ctl).forEach((c) => c.input.addEventListener("input", draw));
  el.append(...Object.values(ctl).map((c) => c.row), outs.kl_pq.row, outs.kl_qp.row, svg, legend);
  draw();
}

RENDERERS.gaussians = gaussians;
