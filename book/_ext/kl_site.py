"""Small Sphinx adjustments for the course site (a local extension).

Jupyter Book 1 always loads sphinx-thebe, whose script then runs twice and
throws "Identifier 'THEBE_JS_URL' has already been declared" in the browser
console. The course does not use thebe (its explorables need no kernel), so
when ``launch_buttons.thebe`` is off this drops thebe's files from every page.
"""

from __future__ import annotations


def _drop_thebe(app, pagename, templatename, context, doctree):
    launch = app.config.html_theme_options.get("launch_buttons", {})
    if launch.get("thebe"):
        return
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [f for f in context[key] if not _is_thebe(f)]


def _is_thebe(asset) -> bool:
    """A thebe file, or thebe's inline script (which declares THEBE_JS_URL)."""
    body = getattr(asset, "attributes", {}).get("body", "")
    return "sphinx-thebe" in str(asset) or "THEBE_JS_URL" in body


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
