# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz crash check lint types bench fixtures clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vigie demo --out demo

# Two processes (the machine's two cores), each folder of tests on one of them: see
# tests/conftest.py. `$(BIN)/python -m pytest` alone runs the same tests in one process.
test: check
	$(BIN)/python -m pytest -n 2

# The readers fed mutated files for longer than in `make test` (6 s per reader there);
# the summary (executions, findings per reader) goes to fuzz-report.txt.
FUZZ_SECONDS ?= 120
fuzz: $(STAMP)
	VIGIE_FUZZ_SECONDS=$(FUZZ_SECONDS) VIGIE_FUZZ_REPORT=fuzz-report.txt VIGIE_FUZZ_FINDINGS=fuzz-findings \
		$(BIN)/python -m pytest -m fuzz tests/fuzz

# Every writing stage killed with SIGKILL at many random moments (2 per stage in
# `make test`), re-run, and compared with an uninterrupted run; summary in crash-report.txt.
CRASH_POINTS ?= 20
crash: $(STAMP)
	VIGIE_CRASH_POINTS=$(CRASH_POINTS) $(BIN)/python -m pytest tests/crash > crash-report.txt; \
		status=$$?; cat crash-report.txt; exit $$status

check: lint types

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

types: $(STAMP)
	$(BIN)/mypy

# `make bench BENCH_ARGS="--only scale --sizes 20000,100000"` runs some sections only.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Regenerates the committed SQL-dump fixtures with the real MariaDB and PostgreSQL
# tools (installs them from Debian packages; needs root).
fixtures:
	bash scripts/make_dump_fixtures.sh

clean:
	rm -rf $(VENV) demo bench .pytest_cache .mypy_cache .ruff_cache
