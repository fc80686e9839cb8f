# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/retake dashboard

# Regenerate docs/screenshots/*.png: starts the dashboard on a free localhost port and drives
# Debian's chromium (apt-get install chromium) through Playwright; never downloads a browser.
screenshots: $(STAMP)
	$(BIN)/python docs/make_screenshots.py

test: $(STAMP)
	$(BIN)/python -m pytest

# The benchmark (bench/bench.py): one table, figures recorded in docs/benchmarks.md. Installs the
# `bench` extra (zen-engine, the peer measured against) into the same venv the first time.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_cases.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
