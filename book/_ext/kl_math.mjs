// Typeset TeX with MathJax in Node, for book/_ext/kl_lean.py (issue 18).
//
// Reads JSON from stdin: {"pages": [[{"tex": "...", "display": true}, ...], ...]}
// and writes JSON to stdout: {"pages": [{"html": ["<mjx-container ...>", ...],
// "css": "..."}, ...], "errors": [{"page": i, "index": j, "tex": "...",
// "message": "..."}]}. Each page gets the CommonHTML stylesheet of exactly the
// characters it uses; its font URLs start with FONT_URL, which the caller
// replaces with the path from the page to the fonts. This is the same MathJax
// (3.2.2, from package-lock.json) with the same TeX packages the browser used
// to load (tex-mml-chtml: TeX input with autoload, CommonHTML output, and the
// assistive MathML that screen readers read), except that an undefined macro
// is an error here instead of red text on the page.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const FONT_URL = "KL_MATHJAX_FONTS";
// In the browser MathJax scales each equation so that its x-height matches
// the surrounding text's (matchFontHeight): font-size = ex / (0.442 em), 0.442
// being the x-height of MathJax's TeX fonts. Node cannot measure the reader's
// font, but CSS can: in font-size, 1ex is the parent's x-height.
const MATCH_FONT = '\nmjx-container[jax="CHTML"] {\n  font-size: calc(1ex / 0.442);\n}\n';

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));

  const MathJax = await require("mathjax").init({
    loader: {
      load: ["input/tex", "output/chtml", "adaptors/liteDOM", "a11y/assistive-mml"],
    },
    tex: {
      packages: { "[-]": ["noundefined"] },
      formatError(jax, err) {
        throw err;
      },
    },
    chtml: { fontURL: FONT_URL, adaptiveCSS: true },
    startup: { typeset: false },
  });
  const adaptor = MathJax.startup.adaptor;
  const out = { pages: [], errors: [] };
  for (const [p, maths] of input.pages.entries()) {
    MathJax.startup.output.clearCache();
    const html = [];
    for (const [i, { tex, display }] of maths.entries()) {
      try {
        const node = await MathJax.tex2chtmlPromise(tex, { display });
        // A display equation wider than the page scrolls sideways, so it must
        // take the keyboard focus (WCAG 2.1.1; in the browser MathJax's menu
        // put every equation in the tab order).
        if (display) adaptor.setAttribute(node, "tabindex", "0");
        html.push(adaptor.outerHTML(node));
      } catch (err) {
        out.errors.push({ page: p, index: i, tex, message: String(err.message || err) });
        html.push(null);
      }
    }
    out.pages.push({ html, css: adaptor.textContent(MathJax.chtmlStylesheet()) + MATCH_FONT });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
