# The two commands of the README are `make book` and `make test`; everything
# else here is a helper they call. Set-up happens only through files in this
# repository: a fresh machine with Python 3.11 and Node.js needs nothing more.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HTML   := _build/html
PORT   ?= 8000
VENDOR := book/_vendor/vendor/widgets-config.js
# The jupyter-cache keys a notebook on its own code only, but the outputs also
# depend on kltools (numbers, figures, the explorables' JavaScript): when any
# kltools file changes, the cache and Sphinx's environment are dropped, so
# every page is read and run again.
KLTOOLS_SRC := $(shell find kltools -type f \( -name '*.py' -o -name '*.js' -o -name '*.css' \))
CACHE_STAMP := _build/.kltools-stamp

.PHONY: help setup vendor book test unit book-check lint format bench serve clean clean-all

help:
	@echo "make book     set up .venv and build the site into $(HTML)"
	@echo "make test     set up, build the book (cached), run lint and every test"
	@echo "make serve    preview $(HTML) on http://localhost:$(PORT)"
	@echo "make bench    speed of kltools against scipy and bare numpy"
	@echo "make format   let ruff format and fix the code"
	@echo "make clean    remove the built site (keeps the execution cache)"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# The site's JavaScript (MathJax, require.js, widget manager, anywidget) comes
# from npm at the versions and hashes in package-lock.json, copied into
# book/_vendor; nothing is fetched from a CDN when a page is read.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR): node_modules/.package-lock.json scripts/vendor.mjs
	node scripts/vendor.mjs

vendor: $(VENDOR)

$(CACHE_STAMP): $(KLTOOLS_SRC)
	rm -rf _build/.jupyter_cache _build/.doctrees
	mkdir -p _build
	touch $@

# Strict: warnings are errors, references must resolve, and a cell that
# raises fails the build. Notebooks execute through the jupyter-cache, so a
# rebuild with nothing changed does not run them again.
# Exercise ids (06.1) take the chapter's number from its notebook's file name.
book: $(STAMP) $(VENDOR) $(CACHE_STAMP)
	$(BIN)/python scripts/chapter_numbers.py
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

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

serve:
	@test -d $(HTML) || { echo "no site yet: run make book first"; exit 1; }
	@echo "serving $(HTML) on http://localhost:$(PORT) (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

clean:
	rm -rf $(HTML) _build/.doctrees _build/jupyter_execute

clean-all:
	rm -rf _build $(VENV) node_modules book/_vendor
