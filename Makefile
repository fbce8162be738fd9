# Two commands on a fresh machine:
#   make run    set up .venv, index the corpus, serve the web chat on http://127.0.0.1:7860
#   make test   set up .venv (+ Debian chromium for browser tests), lint, run the tests and the eval gate
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pip's local mirrors print one harmless "Location ... is ignored" line per package.
# (The braces keep pip's own exit status: with pipefail a failed install still fails make.)
QUIET_PIP := { grep -v "^WARNING: Location" || true; }
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test setup setup-dev compile browser lint eval bench bench-scale bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e . 2>&1 | $(QUIET_PIP)
	$(BIN)/python -c "import briefing, torch; assert torch.__version__.startswith('2.13.0')"
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev]' 2>&1 | $(QUIET_PIP)
	touch $@

# An editable install compiles nothing, and PYTHONDONTWRITEBYTECODE (set on these
# machines) stops Python caching bytecode on import: without this every `briefing ask`
# compiles the package from source (~40 ms). Only changed files are compiled again.
compile: $(VENV)/.installed
	@$(BIN)/python -m compileall -q src

setup: $(VENV)/.installed compile
setup-dev: $(VENV)/.installed-dev compile browser

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@if ! command -v chromium >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@chromium --version

run: setup
	$(BIN)/briefing ingest
	$(BIN)/briefing serve

test: setup-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest
	$(BIN)/briefing eval --no-progress --out test-output/eval

lint: setup-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

eval: setup
	$(BIN)/briefing eval

bench: setup-dev
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/query.py

# 1k/10k/100k chunks (larger corpora reuse cached vectors; see the script's docstring).
bench-scale: setup-dev
	$(BIN)/python benchmarks/scale.py

# N = 1, 8, 50 concurrent gradio_client users on 127.0.0.1 (bounded, stops by itself).
bench-load: setup-dev
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf .briefing test-output .pytest_cache
