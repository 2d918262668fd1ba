// kinds/latent_space.js: a renderer of kltools.explore (see core.js for the contract).

// --- a walk through a VAE's 2-D latent plane ------------------------------------

/** The exported decoder (kltools.vae.VAE.export_decoder) at one point z. */
function decodeExported(decoder, z) {
  let hidden = z;
  for (const layer of decoder.layers) {
    const [fanIn, fanOut] = layer.shape;
    const out = new Array(fanOut);
    for (let j = 0; j < fanOut; j++) {
      let t = 0;
      for (let i = 0; i < fanIn; i++) t += hidden[i] * layer.weights[i][j];
      t += layer.bias[j];
      if (layer.activation === "relu") out[j] = Math.max(t, 0);
      else if (layer.activation === "tanh") out[j] = Math.tanh(t);
      else {
        // sigmoid, written as kltools.vae does so nothing overflows
        const e = Math.exp(-Math.abs(t));
        out[j] = t >= 0 ? 1 / (1 + e) : e / (1 + e);
      }
    }
    hidden = out;
  }
  return hidden;
}

function latentSpace({ model, el }) {
  const params = model.get("params");
  const LIM = 3;
  const state = { z1: params.z1, z2: params.z2 };
  const ctl = {
    z1: slider("z1", "latent coordinate z₁", { min: -LIM, max: LIM, step: 0.05, value: state.z1 }),
    z2: slider("z2", "latent coordinate z₂", { min: -LIM, max: LIM, step: 0.05, value: state.z2 }),
  };
  const outs = {
    mean_intensity: output("mean_intensity", "mean pixel intensity of the image", "(0 to 1)"),
    kl_prior: output("kl_prior", "D(N(z, I) ‖ N(0, I)) = ½|z|²", "nats"),
  };
  const W = 500, H = 300, L = 40, T = 10, S = 250; // scatter: S x S at (L, T)
  const IX = L + S + 30, IY = T + 10, CELL = 22; // the 8x8 image
  const svg = frame(W, H);
  svg.setAttribute("aria-label", "Posterior means of the digits in the latent plane, a marker to drag, and the image the decoder makes of the marked point");
  const px = (v) => L + ((v + LIM) / (2 * LIM)) * S;
  const py = (v) => T + (1 - (v + LIM) / (2 * LIM)) * S;
  svg.append(s("rect", { x: L, y: T, width: S, height: S, fill: "none", class: "kle-frame" }));
  for (const v of [-3, 0, 3]) {
    const tx = s("text", { x: px(v), y: T + S + 14, "text-anchor": "middle", class: "kle-tick" });
    tx.textContent = String(v);
    const ty = s("text", { x: L - 6, y: py(v) + 4, "text-anchor": "end", class: "kle-tick" });
    ty.textContent = String(v);
    svg.append(tx, ty);
  }
  axisLabel(svg, "z₁", L + S / 2, T + S + 30);
  axisLabel(svg, "z₂", 12, T + S / 2, true);
  // the scatter is drawn once: it does not depend on z
  const dots = s("g", { "fill-opacity": 0.55 });
  params.means.forEach(([a, b], k) => {
    if (Math.abs(a) > LIM || Math.abs(b) > LIM) return;
    dots.append(s("circle", { cx: px(a).toFixed(1), cy: py(b).toFixed(1), r: 1.8, fill: params.colors[params.labels[k]] }));
  });
  svg.append(dots);
  const cross = s("path", { class: "kle-ink-line", "stroke-width": 1, "stroke-dasharray": "3 3", fill: "none" });
  const marker = s("circle", {
    r: 7, fill: "#fff", stroke: "#000", "stroke-width": 2.5, class: "kle-bar", style: "cursor: move",
  });
  // a slider in two dimensions: its value is z₁ (Left/Right, Home/End), its
  // text says both coordinates; Up/Down and Page Up/Down move z₂
  sliderMark(marker, {
    name: "the point z", value: () => state.z1, min: -LIM, max: LIM,
    text: () => `z₁ ${state.z1.toFixed(2)}, z₂ ${state.z2.toFixed(2)}`,
  });
  // a hit area larger than the marker, so a finger can grab it
  const grip = s("circle", { r: 16, class: "kle-hit", "aria-hidden": "true", style: "cursor: move" });
  svg.append(cross, marker, grip);
  // the decoded image, ink dark on white as in the chapter's figures
  const cells = [];
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      const cell = s("rect", { x: IX + c * CELL, y: IY + r * CELL, width: CELL, height: CELL });
      cells.push(cell);
      svg.append(cell);
    }
  }
  svg.append(s("rect", { x: IX, y: IY, width: 8 * CELL, height: 8 * CELL, fill: "none", class: "kle-frame" }));
  axisLabel(svg, "decoded image x̂(z)", IX + 4 * CELL, IY + 8 * CELL + 18);
  // a key to the colours of the digit classes: a dot in the colour, the
  // digit in the page's own (a coloured digit would fail contrast)
  for (let d = 0; d < 10; d++) {
    const x = IX + 8 + d * 17, y = IY + 8 * CELL + 44;
    svg.append(s("circle", { cx: x - 4, cy: y - 4, r: 3.5, fill: params.colors[d], "aria-hidden": "true" }));
    const t = s("text", { x: x + 3.5, y, "text-anchor": "middle", class: "kle-tick" });
    t.textContent = String(d);
    svg.append(t);
  }
  axisLabel(svg, "digit classes of the dots", IX + 4 * CELL, IY + 8 * CELL + 62);
  const legend = h("div", { class: "kle-legend" },
    "Dots: posterior means μ(x) of the digits. Drag the white marker (or focus it and use the arrow keys), or use the sliders.");

  const draw = timed(el, () => {
    ctl.z1.input.value = String(state.z1);
    ctl.z2.input.value = String(state.z2);
    const z = [state.z1, state.z2];
    const shownZ = { z1: state.z1, z2: state.z2 };
    for (const k of ["z1", "z2"]) ctl[k].row.querySelector(".kle-value").textContent = shownZ[k].toFixed(2);
    const image = decodeExported(params.decoder, z);
    outs.mean_intensity.set(image.reduce((a, b) => a + b, 0) / image.length);
    outs.kl_prior.set(0.5 * (z[0] * z[0] + z[1] * z[1]));
    image.forEach((v, i) => {
      const g = Math.round(255 * (1 - v));
      cells[i].setAttribute("fill", `rgb(${g},${g},${g})`);
    });
    const mx = px(state.z1), my = py(state.z2);
    for (const m of [marker, grip]) {
      m.setAttribute("cx", mx.toFixed(2));
      m.setAttribute("cy", my.toFixed(2));
    }
    cross.setAttribute("d", `M${L},${my.toFixed(1)}H${L + S}M${mx.toFixed(1)},${T}V${T + S}`);
    save(model, el, { z1: state.z1, z2: state.z2 });
  });

  const clamp = (v) => Math.min(Math.max(v, -LIM), LIM);
  const setZ = (z1, z2) => {
    // two decimals: the point the reader sees is the point computed
    state.z1 = Math.round(clamp(z1) * 100) / 100;
    state.z2 = Math.round(clamp(z2) * 100) / 100;
    draw();
  };
  for (const k of ["z1", "z2"]) {
    ctl[k].input.addEventListener("input", () => {
      state[k] = ctl[k].value;
      draw();
    });
  }
  let dragging = false;
  const toZ = (evt) => {
    const box = svg.getBoundingClientRect();
    const x = ((evt.clientX - box.left) / box.width) * W;
    const y = ((evt.clientY - box.top) / box.height) * svg.viewBox.baseVal.height;
    return [((x - L) / S) * 2 * LIM - LIM, (1 - (y - T) / S) * 2 * LIM - LIM];
  };
  svg.setAttribute("role", "group");
  const grab = (evt) => {
    if (evt.button > 0) return;
    evt.preventDefault(); // no text selection, no scrolling
    marker.focus({ preventScroll: true });
    dragging = true;
    svg.setPointerCapture?.(evt.pointerId);
  };
  marker.addEventListener("pointerdown", grab);
  grip.addEventListener("pointerdown", grab);
  svg.addEventListener("pointermove", (evt) => dragging && setZ(...toZ(evt)));
  const stop = () => (dragging = false);
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  marker.addEventListener("keydown", (evt) => {
    const step = {
      ArrowUp: [0, 0.1], ArrowDown: [0, -0.1], ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0],
      PageUp: [0, 1], PageDown: [0, -1],
    }[evt.key];
    const end = { Home: -LIM, End: LIM }[evt.key];
    if (step) setZ(state.z1 + step[0], state.z2 + step[1]);
    else if (end !== undefined) setZ(end, state.z2);
    else return;
    evt.preventDefault();
  });
  el.append(ctl.z1.row, ctl.z2.row, outs.mean_intensity.row, outs.kl_prior.row, svg, legend);
  draw();
}

RENDERERS.latent_space = latentSpace;
