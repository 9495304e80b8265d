# darksocial: `make report` runs the main job on the sample data, `make test` runs every test.
# Both create .venv and install what they need on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Ignore any machine-wide pip constraint file: constraints.txt pins what we test with.
PIP := PIP_CONSTRAINT= PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/python -m pip

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[dev,google,meta]'
	$(BIN)/python -m ipykernel install --sys-prefix --name darksocial --display-name "Python (darksocial)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## create .venv, install darksocial with its dependencies, register the kernel

report: install ## run the report notebooks on data/sample and write HTML to reports/
	$(BIN)/darksocial report

test: install ## run the whole test suite (unit, statistical, notebooks)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks/
	$(BIN)/python -m pytest

test-fast: install ## run the tests not marked slow
	$(BIN)/python -m pytest -m "not slow"

lint: install ## check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

sample: install ## regenerate data/sample from the generator
	$(BIN)/darksocial sample

bench: install ## run the benchmarks and print their figures
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

constraints: ## re-pin constraints.txt from the current .venv
	$(PIP) freeze --exclude-editable | grep -v '^darksocial' > constraints.txt

clean: ## remove the virtual environment and generated reports
	rm -rf $(VENV) reports/*/ reports/index.html

.PHONY: help install report test test-fast lint sample bench constraints clean
