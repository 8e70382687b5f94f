# govsim — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench app clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "govsim needs Python >= 3.12 (found $$($(PYTHON) --version 2>&1)): install python3.12 (e.g. 'pyenv install 3.12' or 'uv python install 3.12') and rerun, or pass PYTHON=/path/to/python3.12."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/govsim run

# The workshop app's browser tests drive Debian's Chromium (no browser download is possible).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "the browser tests need Chromium at $(CHROMIUM): install your distribution's chromium package"; exit 1; }
	@[ "$$(id -u)" = 0 ] && SUDO= || SUDO=sudo; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

test: $(STAMP) $(CHROMIUM)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadgroup

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py

app: $(STAMP)
	$(VENV)/bin/govsim app

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
