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


def _reader_download(app, pagename, templatename, context, doctree):
    """Point a chapter's ``.ipynb`` download button at its reader notebook.

    The source notebook shows raw MyST outside the site; `make book` writes a
    reader notebook for each chapter into ``_reader/`` beside the pages
    (scripts/reader_notebooks.py), with the same path as the page.
    """
    if not context.get("sourcename", "").endswith(".ipynb"):
        return
    url = f"{context['pathto']('_reader', 1)}/{pagename}.ipynb"
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("label") == "download-source-button":
                button.update(url=url, tooltip="Download the notebook to run")


def setup(app):
    app.connect("html-page-context", _reader_download, priority=600)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
