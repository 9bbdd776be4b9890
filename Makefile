# One command per job.  Each target bootstraps the virtual environment (.venv) it needs.
#   make reports   ingest the bundled data and publish each authority's latest pack (reports/index.html)
#   make test      every test, nbval on every report notebook included (parallel: pytest-xdist)
#   make test-fast the tests a developer runs while working (no slow, faults, browser, notebooks)
#   make lab       JupyterLab on the notebooks
#   make docs      the documentation site, built into site/
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?=
AUTHORITY ?=
ARGS ?=
# test workers (pytest-xdist); --dist loadfile keeps a file's tests - a notebook's nbval cells - on one
TEST_JOBS ?= 2
FAST_MARKERS := not slow and not faults and not browser and not notebooks
# Compiled bytecode is kept under the virtual environment (never beside the sources), even where
# the environment sets PYTHONDONTWRITEBYTECODE: otherwise every test worker, kernel and report
# worker compiles the package - and pytest rewrites every test module - again on each start.
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX := $(abspath $(VENV))/pycache

.PHONY: help install ingest reports test test-fast lab docs benchmark lock clean

help:
	@sed -n '2,7p' Makefile | sed 's/^# *//'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dask,docs,test]'
	@touch $(STAMP)

install: $(STAMP)

ingest: $(STAMP)
	$(BIN)/python -m analysis ingest $(ARGS)

reports: $(STAMP)
	$(BIN)/python -m analysis ingest --quiet
	$(BIN)/python -m analysis report $(if $(PERIOD),--period $(PERIOD),--latest) $(if $(AUTHORITY),--authority "$(AUTHORITY)") $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/sphinx-build --fail-on-warning --quiet --jobs 1 docs site
	$(BIN)/python -m analysis ingest --quiet
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile $(ARGS)

test-fast: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/lint-imports
	$(BIN)/python -m analysis ingest --quiet
	$(BIN)/python -m pytest tests -n $(TEST_JOBS) --dist loadfile -m "$(FAST_MARKERS)" $(ARGS)

lab: $(STAMP)
	$(BIN)/python -m analysis ingest --quiet
	$(BIN)/jupyter lab notebooks/

docs: $(STAMP)
	$(BIN)/sphinx-build --fail-on-warning docs site

benchmark: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/report_run.py
	$(BIN)/python benchmarks/public_stats.py

lock: $(STAMP)
	{ sed -n '1,2p' requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) data/processed/*.parquet data/processed/*.csv data/processed/*.md reports/*/
