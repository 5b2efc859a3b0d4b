# veille — les deux commandes du README : `make demo` et `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEMO_WEEK ?= 2026-W08
PORT   ?= 8001

.PHONY: install browser demo test test-fast bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian's Chromium, for the browser tests (never a browser downloaded by a test tool).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installation de chromium (paquet Debian)…"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Install, crawl the recorded sources, tag, write the digest, then serve Datasette.
demo: install
	$(BIN)/python tests/replay_server.py -- $(BIN)/veille crawl --replay {url} || echo "(au moins une source en échec : voir ci-dessus et « veille sources »)"
	$(BIN)/veille tag
	$(BIN)/veille digest --week $(DEMO_WEEK) --format html --format md --format csv --format json --out data/digest
	$(BIN)/veille sources
	@echo "Digest de la semaine $(DEMO_WEEK) : data/digest/"
	$(BIN)/veille serve --port $(PORT)

test: install browser
	$(BIN)/mypy
	$(BIN)/pytest

# The fast part of the suite only (no subprocess crawl, server or browser).
test-fast: install
	$(BIN)/pytest -m "not slow"

# `make bench BENCH_ARGS=--quick` for small corpora (the full sizes build data/bench/ once).
# Every figure is printed as `bench: NAME veille=X UNIT baseline=Y UNIT ratio=R`; the corpora are
# cached in data/bench/ (VEILLE_BENCH_CACHE=<folder> for another one, e.g. to time a first run).
bench: install
	@start=$$(date +%s); for script in tests/bench/bench_*.py; do echo "== $$script"; \
	  $(BIN)/python $$script $(BENCH_ARGS) || exit 1; done; \
	  echo "== make bench : $$(( $$(date +%s) - start )) s"

clean:
	rm -rf data/ .pytest_cache tests/artifacts
