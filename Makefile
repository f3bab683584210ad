# ksresearch: `make` lists the targets. On a fresh machine `make demo` and `make test`
# do all the set-up themselves (a local virtual environment in .venv).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED ?= 2025
YEARS ?= 2024 2025

.DEFAULT_GOAL := help
.PHONY: help env demo test lint format bench lab clean clean-data

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

env: $(STAMP) ## Create .venv and install ksresearch with its dependencies (done by demo/test when missing)

demo: $(STAMP) ## Generate the synthetic survey for both years into data/ and ingest it
	@for y in $(YEARS); do \
		$(BIN)/ksresearch synth --year $$y --seed $(SEED) && \
		$(BIN)/ksresearch ingest --year $$y || exit 1; \
	done
	@echo "Processed data: data/processed/<year>/ (responses.parquet, quarantine.parquet, quality.json)"

test: $(STAMP) ## Lint (ruff) and run the whole test suite, doctests included
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## Ruff only
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP) ## Run the performance benchmarks in benchmarks/
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean-data: ## Delete everything derived (data/processed, reports); raw data is kept
	find data/processed reports -mindepth 1 ! -name .gitkeep -delete

clean: clean-data ## Also delete the virtual environment
	rm -rf $(VENV)
