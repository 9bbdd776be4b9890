# One command per job.  Each target bootstraps the virtual environment (.venv) it needs.
#   make reports   ingest the bundled data and publish each authority's latest pack (reports/index.html)
#   make test      pytest + nbval on every report notebook
#   make lab       JupyterLab on the notebooks
#   make docs      the documentation site, built into site/
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?=
AUTHORITY ?=
ARGS ?=

.PHONY: help install ingest reports test lab docs benchmark lock clean

help:
	@sed -n '2,6p' Makefile | sed 's/^# *//'

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
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/sphinx-build --fail-on-warning --quiet --jobs 1 docs site
	$(BIN)/python -m analysis ingest --quiet
	$(BIN)/python -m pytest $(ARGS)

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
