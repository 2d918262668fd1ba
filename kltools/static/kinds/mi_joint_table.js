// kinds/mi_joint_table.js: a renderer of kltools.explore (see core.js for the contract).

// --- a joint table p(x, y) the reader reshapes, and its information diagram ------

/** H(rows | columns) = sum p(x, y) log(p(y) / p(x, y)), as kltools computes it. */
function conditionalEntropyOfRows(t, base = 2) {
  const nx = t.length, ny = t[0].length;
  let s = 0;
  for (let j = 0; j < ny; j++) {
    let py = 0;
    for (let i = 0; i < nx; i++) py += t[i][j];
    for (let i = 0; i < nx; i++) if (t[i][j] > 0) s += t[i][j] * Math.log(py / t[i][j]);
  }
  return Math.max(s, 0) / Math.log(base);
}

function transpose(t) {
  return t[0].map((_, j) => t.map((row) => row[j]));
}

/** Every quantity the widget shows, in bits, for a table summing to 1. */
function tableQuantities(t) {
  const px = t.map((row) => row.reduce((a, b) => a + b, 0));
  const py = t[0].map((_, j) => t.reduce((a, row) => a + row[j], 0));
  const flat = t.flat();
  const product = px.flatMap((a) => py.map((b) => a * b));
  // the seed's eq. (12): -sum_y p(y) log2 H(X | Y = y), which is wrong
  let seed = 0;
  for (let j = 0; j < py.length; j++) {
    if (py[j] > 0) {
      const inner = entropy(normalize(t.map((row) => row[j])));
      seed = inner === 0 ? Infinity : seed - py[j] * Math.log2(inner);
      if (seed === Infinity) break;
    }
  }
  return {
    px, py,
    h_x: entropy(px),
    h_y: entropy(py),
    h_xy: entropy(flat),
    h_x_given_y: conditionalEntropyOfRows(t),
    h_y_given_x: conditionalEntropyOfRows(transpose(t)),
    mi: klDivergence(flat, product),
    seed_12: seed,
  };
}

function miJointTable({ model, el }) {
  const params = model.get("params");
  const start = params.table.map((row) => [...row]);
  const total = start.flat().reduce((a, b) => a + b, 0);
  let table = start.map((row) => row.map((v) => v / total));
  const nx = table.length, ny = table[0].length;
  const xl = params.x_labels, yl = params.y_labels;
  const outs = {
    h_x: output("h_x", "H(X)"),
    h_y: output("h_y", "H(Y)"),
    h_xy: output("h_xy", "H(X, Y)"),
    h_x_given_y: output("h_x_given_y", "H(X | Y) = Σ p(y) H(X | Y = y)"),
    h_y_given_x: output("h_y_given_x", "H(Y | X)"),
    mi: output("mi", "I(X; Y) = H(X) − H(X | Y)"),
    seed_12: output("seed_12", "seed's (12), wrong: −Σ p(y) log₂ H(X|Y=y)"),
  };
  const independent = h("button", { type: "button", "data-control": "independent", class: "kle-button" },
    "make X, Y independent");
  const reset = h("button", { type: "button", "data-control": "reset", class: "kle-button" }, "reset");

  // geometry: the table on top, the information diagram below
  const W = 480, L = 96, cw = Math.min(78, 300 / ny), ch = 34, T = 44;
  const tableBottom = T + nx * ch;
  const D0 = tableBottom + 58, rowH = 20, gap = 8;
  const H = D0 + 3 * (rowH + gap) + 40;
  const svg = frame(W, H);
  svg.setAttribute("aria-label",
    "A joint table of probabilities to reshape, its marginals, and bars showing H(X, Y), H(X) and H(Y), whose overlap is I(X; Y)");
  const title = (text, x, y, anchor = "middle", cls = "kle-axis") => {
    const t = s("text", { x, y, "text-anchor": anchor, class: cls });
    t.textContent = text;
    svg.append(t);
    return t;
  };
  title(params.y_name, L + (ny * cw) / 2, 14);
  title(params.x_name, 12, T + (nx * ch) / 2, "middle").setAttribute("transform", `rotate(-90 12 ${T + (nx * ch) / 2})`);
  for (let j = 0; j < ny; j++) title(yl[j], L + cw * (j + 0.5), T - 8, "middle", "kle-tick");
  title("p(x)", L + ny * cw + 30, T - 8, "middle", "kle-tick");
  title("p(y)", L - 8, tableBottom + 16, "end", "kle-tick");
  const cells = [], texts = [], rowSums = [], colSums = [];
  for (let i = 0; i < nx; i++) {
    title(xl[i], L - 8, T + ch * (i + 0.5) + 4, "end", "kle-tick");
    cells.push([]);
    texts.push([]);
    for (let j = 0; j < ny; j++) {
      const r = s("rect", {
        x: L + cw * j + 1, y: T + ch * i + 1, width: cw - 2, height: ch - 2, fill: COLORS.p,
        stroke: "currentColor", "stroke-opacity": 0.5, "stroke-width": 0.5, "data-drag": "",
        "data-cell": `${i}-${j}`, class: "kle-bar", tabindex: 0,
      });
      // the number keeps its contrast on any shade of the cell: a halo
      const t = s("text", {
        x: L + cw * (j + 0.5), y: T + ch * (i + 0.5) + 4, "text-anchor": "middle", class: "kle-tick kle-halo",
      });
      t.setAttribute("pointer-events", "none");
      svg.append(r, t);
      cells[i].push(r);
      texts[i].push(t);
    }
    rowSums.push(title("", L + ny * cw + 30, T + ch * (i + 0.5) + 4, "middle", "kle-tick"));
  }
  for (let j = 0; j < ny; j++) colSums.push(title("", L + cw * (j + 0.5), tableBottom + 16, "middle", "kle-tick"));

  // the information diagram: H(X, Y) on top, H(X) and H(Y) below, overlapping in I(X; Y)
  const R = 20, maxBits = Math.log2(nx * ny);
  const xb = (bits) => L + (bits / maxBits) * (W - L - R);
  const rowY = (k) => D0 + k * (rowH + gap);
  const names = ["H(X, Y)", "H(X)", "H(Y)"];
  names.forEach((n, k) => title(n, L - 8, rowY(k) + rowH / 2 + 4, "end", "kle-tick"));
  const seg = (fill) => {
    const r = s("rect", { height: rowH, fill });
    svg.append(r);
    return r;
  };
  const joint = seg("#999999");
  const xCond = seg(COLORS.p), xShared = seg(COLORS.term);
  const yShared = seg(COLORS.term), yCond = seg(COLORS.q);
  const axisY = rowY(3) + 2;
  svg.append(s("line", { x1: L, y1: axisY, x2: W - R, y2: axisY, class: "kle-frame" }));
  const nTicks = Math.floor(maxBits);
  for (let b = 0; b <= nTicks; b++) title(String(b), xb(b), axisY + 14, "middle", "kle-tick");
  title("bits", (L + W - R) / 2, axisY + 30);
  const legend = h("div", { class: "kle-legend" },
    legendKey(COLORS.p, "H(X | Y)", "box"), "  ",
    legendKey(COLORS.term, "I(X; Y)", "box"), "  ",
    legendKey(COLORS.q, "H(Y | X)", "box"),
    " — drag a cell up or down to give it more or less of the probability");

  const place = (r, from, to, k) => {
    r.setAttribute("x", xb(from).toFixed(2));
    r.setAttribute("width", Math.max(xb(to) - xb(from), 0).toFixed(2));
    r.setAttribute("y", rowY(k));
  };
  const draw = timed(el, () => {
    const q = tableQuantities(table);
    for (const key of Object.keys(outs)) outs[key].set(q[key]);
    const big = Math.max(...table.flat());
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const v = table[i][j];
        cells[i][j].setAttribute("fill-opacity", (0.06 + 0.8 * (big > 0 ? v / big : 0)).toFixed(3));
        cells[i][j].setAttribute("data-value", String(v));
        texts[i][j].textContent = v.toFixed(3);
      }
      rowSums[i].textContent = q.px[i].toFixed(3);
    }
    for (let j = 0; j < ny; j++) colSums[j].textContent = q.py[j].toFixed(3);
    place(joint, 0, q.h_xy, 0);
    place(xCond, 0, q.h_x_given_y, 1);
    place(xShared, q.h_x_given_y, q.h_x, 1);
    place(yShared, q.h_x_given_y, q.h_x, 2);
    place(yCond, q.h_x, q.h_xy, 2);
    save(model, el, { table: table.map((row) => [...row]) });
  });

  // Setting a cell's probability rescales the others, keeping their proportions.
  function setMass(i, j, v) {
    const target = Math.min(Math.max(v, 0), 1);
    const rest = table.flat().reduce((a, b) => a + b, 0) - table[i][j];
    const others = nx * ny - 1;
    table = table.map((row, a) => row.map((x, b) => {
      if (a === i && b === j) return target;
      return rest > 0 ? (x / rest) * (1 - target) : (1 - target) / others;
    }));
    draw();
  }
  // A cell moves with the pointer from where it was grabbed (up: more
  // probability), or with the keys; a cell is a slider named p(x, y).
  const unitsPerProbability = 160; // SVG units of drag for the whole probability
  const attach = dragger(svg, {
    toValue: (evt, start) =>
      start.v0 + ((start.y0 - evt.clientY) / svg.getBoundingClientRect().height)
        * svg.viewBox.baseVal.height / unitsPerProbability,
    get: ([i, j]) => table[i][j],
    set: ([i, j], v) => setMass(i, j, v),
    name: ([i, j]) => `p(${xl[i]}, ${yl[j]})`,
    text: (v) => v.toFixed(3),
    hits: false,
  });
  cells.forEach((row, i) => row.forEach((cell, j) => attach(cell, [i, j])));
  independent.addEventListener("click", () => {
    const { px, py } = tableQuantities(table);
    table = px.map((a) => py.map((b) => a * b));
    draw();
  });
  reset.addEventListener("click", () => {
    table = start.map((row) => row.map((v) => v / total));
    draw();
  });
  el.append(svg, legend, h("div", { class: "kle-row" }, independent, reset),
    ...Object.values(outs).map((o) => o.row));
  draw();
}

RENDERERS.mi_joint_table = miJointTable;
