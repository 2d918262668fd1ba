// Copy what the static site serves from npm packages into book/_vendor, which
// _config.yml adds to Sphinx's html_static_path: MathJax's web fonts (the
// maths is typeset when the book is built, by book/_ext/kl_math.mjs with the
// same MathJax from node_modules, and the pages need only its fonts), at the
// version and hash in package-lock.json (installed by `npm ci`). Nothing is
// fetched from a CDN when a page is read, and nothing here is committed:
// `make book` runs this after `npm ci`.
//
// The explorables need nothing from npm on the site: book/_static/kl-widgets.js
// starts them from the widget state the build embeds in each page.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nm = join(root, "node_modules");
const out = join(root, "book", "_vendor", "vendor");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const copy = (from, to) => cpSync(join(nm, from), join(out, to), { recursive: true });

// MathJax 3's CommonHTML fonts, which the typeset maths' stylesheet names
// (book/_ext/kl_lean.py points it at _static/vendor/mathjax/fonts), and the
// licence they come under. The Makefile's stamp of this step is the licence.
copy("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/fonts");
copy("mathjax/LICENSE", "mathjax/LICENSE");

console.log(`vendored MathJax's fonts into ${out}`);
