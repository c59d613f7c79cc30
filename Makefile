# Two commands do everything: `make run` and `make test`. Both create the environment first.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# Test processes: one per core; PYTEST_WORKERS=0 runs the tests in this process.
PYTEST_WORKERS ?= auto

.PHONY: install run test lint bench clean

# Idempotent: reinstalls only when pyproject.toml changed since the last install.
install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	$(BIN)/simpul demo --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/snapshot_bench.py
	$(BIN)/python benchmarks/normalise_bench.py
	$(BIN)/python benchmarks/solve_bench.py
	$(BIN)/python benchmarks/gap_bench.py
	$(BIN)/python benchmarks/national_bench.py --reuse
	$(BIN)/python benchmarks/api_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache simpul.db
