// kinds/answer_box.js: a renderer of kltools.explore (see core.js for the contract).

// --- the answer to a numeric exercise, checked on the page -----------------------
//
// params.exercises holds, for each box, the id ("06.1"), what is asked, the
// answer computed by kltools when the chapter ran (as text: JSON has no
// infinity), its unit ("bits", "nats" or "") and the hint for a wrong answer;
// params.rtol is kt.check's tolerance. The verdicts are those of
// kltools.exercises.check and feedback, word for word.

/** The number typed: decimals, scientific notation (1e-3, 1.2E+4), a leading
 *  minus (- or −), a decimal comma, inf / infinity / ∞; NaN for anything else. */
function parseAnswer(text) {
  const t = String(text).trim().replace(/[\u2212\u2013]/g, "-").replace(/\s+/g, "").replace(/^\+/, "");
  if (t === "") return NaN;
  const inf = /^(-?)\+?(inf|infinity|∞)$/i.exec(t);
  if (inf) return inf[1] ? -Infinity : Infinity;
  const u = /^-?\d+,\d+(e[+-]?\d+)?$/i.test(t) ? t.replace(",", ".") : t;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(u)) return NaN;
  return Number(u);
}

/** As kt.check: math.isclose(value, expected, rel_tol=rtol), or the same infinity. */
function answerIsRight(v, e, rtol) {
  if (!Number.isFinite(v) || !Number.isFinite(e)) return v === e;
  return Math.abs(v - e) <= rtol * Math.max(Math.abs(v), Math.abs(e));
}

/** As kltools.exercises.feedback: the verdict on a wrong answer. */
function answerFeedback(shown, v, ex, e, rtol) {
  if (Number.isNaN(v)) {
    return { verdict: "invalid", text: "Not yet: that is not a number. Type a number, such as 0.25, 3e-4 or inf." };
  }
  const verdict = v > e ? "high" : "low";
  const side = v > e ? "too high" : "too low";
  const other = { bits: ["nats", Math.LN2], nats: ["bits", 1 / Math.LN2] }[ex.unit];
  if (other && Number.isFinite(e) && answerIsRight(v, e * other[1], rtol)) {
    return { verdict, text: `Not yet: ${shown} is ${side}. It is the answer in ${other[0]}; the exercise asks for ${ex.unit}.` };
  }
  return { verdict, text: `Not yet: ${shown} is ${side}. ${ex.hint}` };
}

let ANSWER_BOXES = 0;

function answerBox({ model, el }) {
  // not a .kl-explorable: it shows no computed numbers to drive and compare
  el.classList.replace("kl-explorable", "kl-answer");
  const params = model.get("params");
  const rtol = params.rtol;
  const tried = {};
  for (const ex of params.exercises) {
    const uid = `kl-answer-${ex.id.replace(/\W/g, "-")}-${++ANSWER_BOXES}`;
    const expected = Number(ex.expected);
    const input = h("input", {
      type: "text", id: uid, name: ex.id, autocomplete: "off", spellcheck: "false",
      autocapitalize: "off", enterkeyhint: "done", "aria-describedby": `${uid}-said`, "data-answer": "",
    });
    const button = h("button", { type: "submit" }, "Check");
    const said = h("p", {
      id: `${uid}-said`, class: "kle-feedback", role: "status", "aria-live": "polite", "data-feedback": "",
    });
    const form = h("form", { class: "kle-answer-box", "data-exercise": ex.id, novalidate: "" },
      h("label", { for: uid, class: "kle-answer-label" }, `Exercise ${ex.id}: ${ex.asked}`),
      h("span", { class: "kle-answer-entry" }, input, button),
      said);
    form.addEventListener("submit", (evt) => {
      evt.preventDefault();
      const shown = input.value.trim();
      const v = parseAnswer(shown);
      let verdict, text;
      if (answerIsRight(v, expected, rtol)) {
        verdict = "correct";
        text = `Correct: ${shown} matches the answer to within ${(rtol * 100).toFixed(1)}%.`;
      } else {
        ({ verdict, text } = answerFeedback(shown || "nothing", v, ex, expected, rtol));
        if (shown === "") text = "Type your answer first: a number, such as 0.25, 3e-4 or inf.";
      }
      said.textContent = text;
      said.setAttribute("data-verdict", verdict);
      form.setAttribute("data-verdict", verdict);
      // in a live kernel, Python sees what was tried (JSON has no infinity)
      tried[ex.id] = Number.isFinite(v) ? v : String(v);
      model.set("values", { ...tried });
      model.save_changes();
    });
    el.append(form);
  }
}

RENDERERS.answer_box = answerBox;
