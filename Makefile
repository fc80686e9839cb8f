# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint install bench fuzz screenshots clean

# durable-rules 2.0.28 ships only an sdist; its C extension calls PyEval_CallObject, which Python
# 3.13 removed. This object-like macro maps it to PyObject_CallObject (same arguments, the drop-in
# replacement) when pip builds it; before 3.13 it changes nothing. See docs/python-versions.md.
DURABLE_DEFINE := -DPyEval_CallObject=PyObject_CallObject
export CPPFLAGS := $(DURABLE_DEFINE) $(CPPFLAGS)
export CFLAGS := $(DURABLE_DEFINE) $(CFLAGS)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c 'import core.engine; core.engine.check_durable()'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/retake dashboard

# Regenerate docs/screenshots/*.png: starts the dashboard on a free localhost port and drives
# Debian's chromium (apt-get install chromium) through Playwright; never downloads a browser.
screenshots: $(STAMP)
	$(BIN)/python docs/make_screenshots.py

# The whole suite (what CI runs), after the lint. Tests that need Debian's graphviz or chromium
# skip with a message saying how to get them.
test: $(STAMP) lint
	$(BIN)/python -m pytest

# The edit loop: everything except the tests marked slow or browser, stopping at the first failure.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -x -m 'not slow and not browser'

lint: $(STAMP)
	$(BIN)/ruff check .

# The benchmark (bench/bench.py): one table, figures recorded in docs/benchmarks.md. Installs the
# `bench` extra (zen-engine, the peer measured against) into the same venv the first time.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_cases.py

# The long fuzz runs (issue 16): 20,000 mutated profiles and 3,000 mutated batch files, with figures
# (about 3 minutes). The suite runs the same generators with smaller counts.
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
