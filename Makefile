# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint types bench fixtures clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vigie demo --out demo

test: check
	$(BIN)/python -m pytest

check: lint types

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

types: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# Regenerates the committed SQL-dump fixtures with the real MariaDB and PostgreSQL
# tools (installs them from Debian packages; needs root).
fixtures:
	bash scripts/make_dump_fixtures.sh

clean:
	rm -rf $(VENV) demo bench .pytest_cache .mypy_cache .ruff_cache
