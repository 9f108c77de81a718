# Every target sets up its own virtual environment, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COMPILED := $(VENV)/.compiled
# mypyc compiles modules of these packages against the others: rebuilt when any of them changes
COMPILED_SOURCES := $(shell find contracts mock_portal -name '*.py')

.PHONY: run test lint typecheck check bench clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PORTALSIM_PURE_PYTHON=1 $(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The request path compiled to C (setup.py), with the venv's mypy and packages: ~90 s.
$(COMPILED): $(STAMP) $(COMPILED_SOURCES) setup.py
	find contracts mock_portal -name '*.so' -delete
	rm -f *__mypyc*.so
	$(BIN)/pip install --quiet 'setuptools>=68'
	$(BIN)/pip install --quiet --no-build-isolation --no-deps -e .
	touch $(COMPILED)

# The main job: a 30-second simulation (a mock portal, the 34 provinces' traffic, the national
# scorecard, reports in reports/). No server needed; no --gate, so the planted faults do not fail it.
run: $(COMPILED)
	$(BIN)/portalsim run --duration 30s

test: $(COMPILED)
	$(BIN)/pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
	find contracts mock_portal -name '*.so' -delete
	rm -f *__mypyc*.so
