# The two commands of the README are `make book` and `make test`; everything
# else here is a helper they call. Set-up happens only through files in this
# repository: a fresh machine with Python 3.11 and Node.js needs nothing more.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HTML   := _build/html
PORT   ?= 8000
VENDOR := book/_vendor/vendor/mathjax/LICENSE
# The jupyter-cache keys a notebook on its own code only, but the outputs also
# depend on kltools (numbers, figures, the explorables' JavaScript): when the
# content of a kltools file changes, the cache and Sphinx's environment are
# dropped, so every page is read and run again. The key is a hash of the
# files' names and contents, not their dates: a checkout that changes nothing
# keeps the cache.
KLTOOLS_HASH = $(shell find kltools -type f \( -name '*.py' -o -name '*.js' -o -name '*.css' \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
CACHE_STAMP := _build/.kltools-hash
# Where `make lab` puts the notebooks a student runs: ignored by git.
# LAB_ARGS passes options to JupyterLab (e.g. --no-browser --port 8889).
WORK ?= work
LAB_ARGS ?=

.PHONY: help setup git-filter kltools-cache vendor book lab test unit book-check lint format bench serve clean clean-all

help:
	@echo "make book     set up .venv and build the site into $(HTML)"
	@echo "make test     set up, build the book (cached), run lint and every test"
	@echo "make lab      run the chapters in JupyterLab, on copies in $(WORK)/ (not in git)"
	@echo "make serve    preview $(HTML) on http://localhost:$(PORT)"
	@echo "make unit     run the package's tests only, without building the book"
	@echo "make lint     check the code with ruff (lint and format)"
	@echo "make bench    speed of kltools against scipy and bare numpy; page weight and load time of the site"
	@echo "make format   let ruff format and fix the code"
	@echo "make clean    remove the built site (keeps the execution cache)"
	@echo "make clean-all  remove everything made: _build, .venv, node_modules, book/_vendor"

setup: $(STAMP) git-filter

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# What the site needs from npm (MathJax, which typesets the maths at build
# time, and its web fonts, which the pages load) comes at the versions and
# hashes in package-lock.json; the fonts are copied into book/_vendor, and
# nothing is fetched from a CDN when a page is read.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR): node_modules/.package-lock.json scripts/vendor.mjs
	node scripts/vendor.mjs

vendor: $(VENDOR)

# Notebooks are committed without outputs: git stores them through this
# filter (see .gitattributes and scripts/strip_outputs.py), so outputs saved
# by Jupyter never reach a commit. It is set in this clone's .git/config.
git-filter:
	@git rev-parse --git-dir >/dev/null 2>&1 || exit 0; \
	git config filter.kl-strip-outputs.clean "$(PYTHON) scripts/strip_outputs.py" && \
	git config filter.kl-strip-outputs.smudge cat

kltools-cache:
	@mkdir -p _build
	@if [ "$$(cat $(CACHE_STAMP) 2>/dev/null)" != "$(KLTOOLS_HASH)" ]; then \
	  echo "kltools changed: dropping the execution cache and Sphinx's environment"; \
	  rm -rf _build/.jupyter_cache _build/.doctrees; \
	  echo "$(KLTOOLS_HASH)" > $(CACHE_STAMP); \
	fi

# Strict: warnings are errors, references must resolve, and a cell that
# raises fails the build. Notebooks execute through the jupyter-cache, so a
# rebuild with nothing changed does not run them again.
# Exercise ids (06.1) take the chapter's number from its notebook's file name.
# Then the reader notebooks (numbers written in, solutions folded: what plain
# Jupyter, Colab and Binder show) go into $(HTML)/_reader, which the pages'
# download button serves and the Pages workflow publishes to the `notebooks`
# branch.
book: $(STAMP) git-filter $(VENDOR) kltools-cache
	$(BIN)/python scripts/chapter_numbers.py
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	$(BIN)/python scripts/reader_notebooks.py --site-dir $(HTML)

# JupyterLab on copies of the reader notebooks in $(WORK)/, which git ignores:
# outputs a student saves never touch notebooks/. A copy already there is
# kept (delete it to get the chapter's new version).
lab: book
	@mkdir -p $(WORK)
	@for nb in $(HTML)/_reader/notebooks/*.ipynb; do \
	  name=$$(basename $$nb); \
	  if [ -e "$(WORK)/$$name" ]; then echo "kept your $(WORK)/$$name"; \
	  else cp "$$nb" "$(WORK)/$$name"; fi; \
	done
	$(BIN)/jupyter lab --ServerApp.root_dir=$(WORK) \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Only the package's tests, without building the book.
unit: $(STAMP)
	$(BIN)/python -m pytest -m "not book"

test: book lint
	@command -v chromium >/dev/null 2>&1 || test -x "$${CHROMIUM:-/usr/bin/chromium}" || \
	  echo "NOTE: no Chromium found, so the browser tests (tests/test_site.py) will be" \
	       "skipped. Install Debian's chromium (apt-get install chromium) to run them."
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_discrete.py
	$(BIN)/python benchmarks/bench_pages.py

serve:
	@test -d $(HTML) || { echo "no site yet: run make book first"; exit 1; }
	@echo "serving $(HTML) on http://localhost:$(PORT) (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

clean:
	rm -rf $(HTML) _build/.doctrees _build/jupyter_execute

clean-all:
	rm -rf _build $(VENV) node_modules book/_vendor
