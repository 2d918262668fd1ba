// kl-widgets.js: starts the book's anywidget explorables on the static site.
//
// When a notebook runs, anywidget saves each widget's state in the notebook:
// its ES module (`_esm`), its CSS (`_css`) and its traits. myst-nb writes that
// state into the page as <script type="application/vnd.jupyter.widget-state+json">
// and each displayed widget as <script type="application/vnd.jupyter.widget-view+json">
// holding its model id. This module reads both and, for every view of an
// anywidget model, imports the model's ES module and calls its `render`
// with a minimal model and a fresh element, as anywidget does in Jupyter:
// no require.js, no ipywidgets toolkit, no kernel. In a live kernel nothing
// of this runs; anywidget's own front end does the same job there.
//
// The model is what anywidget hands a widget (anywidget/src/model-proxy.ts):
// get, set, on, off, save_changes, send and widget_manager.get_model, with
// Backbone's semantics for set and the "change:<name>" and "change" events.
// With no kernel, save_changes and send have nobody to talk to and do
// nothing; everything else behaves as in Jupyter.
//
// The build (book/_ext/kl_lean.py) moves each module into a file of its own,
// names the file in the state instead, and imports the page's modules in a
// module script before this one (window.klWidgetModules): they then arrive
// while the page is parsed, and this module renders every explorable as soon
// as it runs, before the theme's scripts, with no import() to wait for. A
// module given as source (a page not built so) is imported from a blob URL,
// as anywidget does.

const STATE = "application/vnd.jupyter.widget-state+json";
const VIEW = "application/vnd.jupyter.widget-view+json";
const REF = "IPY_MODEL_";

function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) {
      return false;
    }
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

class Model {
  constructor(id, state, manager) {
    this.model_id = id;
    this._state = state;
    this._listeners = [];
    this.widget_manager = manager;
  }

  get(name) {
    return this._state[name];
  }

  /** Set one trait, or several ({name: value, ...}); fire change events. */
  set(name, value) {
    const changes = typeof name === "object" && name !== null ? name : { [name]: value };
    const changed = [];
    for (const [k, v] of Object.entries(changes)) {
      if (!equal(this._state[k], v)) {
        this._state[k] = v;
        changed.push(k);
      }
    }
    for (const k of changed) this._emit(`change:${k}`, this, this._state[k]);
    if (changed.length) this._emit("change", this);
  }

  /** No kernel to send the changes to: the page is all there is. */
  save_changes() {}

  send() {}

  on(events, callback, context) {
    for (const event of String(events).split(/\s+/).filter(Boolean)) {
      this._listeners.push({ event, callback, context });
    }
  }

  off(events, callback, context) {
    const names = events ? String(events).split(/\s+/) : null;
    this._listeners = this._listeners.filter(
      (l) =>
        !(
          (!names || names.includes(l.event)) &&
          (!callback || l.callback === callback) &&
          (!context || l.context === context)
        ),
    );
  }

  _emit(event, ...args) {
    for (const l of this._listeners.slice()) {
      if (l.event === event) l.callback.apply(l.context, args);
    }
  }
}

/** The widget states the page embeds, keyed by model id. */
function readState() {
  const models = {};
  for (const tag of document.querySelectorAll(`script[type="${STATE}"]`)) {
    Object.assign(models, JSON.parse(tag.textContent).state || {});
  }
  return models;
}

/** A model's traits, with its binary buffers (base64 in the page) decoded. */
function traits(entry) {
  const state = structuredClone(entry.state || {});
  for (const { path, data } of entry.buffers || []) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    let obj = state;
    for (const key of path.slice(0, -1)) obj = obj[key];
    obj[path[path.length - 1]] = new DataView(bytes.buffer);
  }
  return state;
}

const modules = new Map();

/** The module `esm` names: a module the page imported already
 * (window.klWidgetModules, see book/_ext/kl_lean.py), a file, or the source. */
async function importModule(esm) {
  const ready = window.klWidgetModules?.[esm];
  if (ready) return ready;
  if (!esm.includes("\n") && /\.m?js$/.test(esm)) return import(new URL(esm, document.baseURI));
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A widget's definition ({initialize, render}) from its ES module. */
function widgetDefinition(esm) {
  if (!modules.has(esm)) {
    const load = async () => {
      const mod = await importModule(esm);
      if (mod.render) return { render: mod.render };
      if (!mod.default) throw new Error("the module must export a default function or object");
      return typeof mod.default === "function" ? await mod.default() : mod.default;
    };
    modules.set(esm, load());
  }
  return modules.get(esm);
}

function addStyle(css, id) {
  if (!css || (id && document.getElementById(id))) return;
  const style = document.createElement("style");
  if (id) style.id = id;
  style.textContent = css;
  document.head.append(style);
}

/** The layout traits an ipywidgets Layout model sets, as inline CSS. */
function applyLayout(el, layout) {
  for (const [k, v] of Object.entries(layout || {})) {
    if (!k.startsWith("_") && typeof v === "string" && v) {
      el.style.setProperty(k.replace(/_/g, "-"), v);
    }
  }
}

const noKernel = () => Promise.reject(new Error("no kernel on the static site"));
const experimental = { invoke: noKernel };

function start() {
  const entries = readState();
  const models = new Map();
  const manager = {
    async get_model(id) {
      return model(id).m;
    },
  };
  const model = (id) => {
    if (!models.has(id)) {
      const entry = entries[id];
      if (!entry) throw new Error(`no state for widget model ${id}`);
      const m = new Model(id, traits(entry), manager);
      // anywidget runs `initialize` once per model, before any view.
      const ready = (async () => {
        const s = m._state;
        if (s._model_module !== "anywidget") return null;
        addStyle(s._css, s._anywidget_id);
        const def = await widgetDefinition(s._esm);
        await def.initialize?.({ model: m, signal: new AbortController().signal, experimental });
        return def;
      })();
      models.set(id, { m, ready });
    }
    return models.get(id);
  };

  const views = [...document.querySelectorAll(`script[type="${VIEW}"]`)].map(async (tag) => {
    const area = document.createElement("div");
    area.className = "widget-subarea";
    const el = document.createElement("div");
    area.append(el);
    tag.before(area);
    let id = "?";
    try {
      id = JSON.parse(tag.textContent).model_id;
      const { m, ready } = model(id);
      const s = m._state;
      const def = await ready;
      if (!def) throw new Error(`${s._model_module}.${s._model_name} needs a kernel`);
      el.classList.add(...(s._dom_classes || []));
      const layout = typeof s.layout === "string" && s.layout.startsWith(REF);
      if (layout && entries[s.layout.slice(REF.length)]) {
        applyLayout(el, entries[s.layout.slice(REF.length)].state);
      }
      await def.render?.({ model: m, el, signal: new AbortController().signal, experimental });
    } catch (err) {
      el.textContent = `This widget could not be shown here (${err.message}).`;
      console.error(`kl-widgets: widget ${id}:`, err);
    }
  });
  return Promise.all(views);
}

/** Resolves once every widget view on the page has rendered (or failed). */
window.klWidgets = document.readyState === "loading"
  ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", () => resolve(start())))
  : start();
