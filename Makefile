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
.PHONY: help env demo test test-fast lint format bench lab clean clean-data browser references docs docs-screenshot

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -c "from ksresearch.report.kernel import install_kernelspec; print('kernel:', install_kernelspec())"
	@touch $(STAMP)

env: $(STAMP) ## Create .venv and install ksresearch with its dependencies (done by demo/test when missing)

LAST_YEAR := $(lastword $(YEARS))
SHOT_COMPANY ?= Fjordlinje AS
space := $(subst ,, )

demo: $(STAMP) browser ## Synthetic survey for both years -> ingest -> general reports (nb, en) -> company reports, as HTML, PDF and PowerPoint
	@for y in $(YEARS); do \
		$(BIN)/ksresearch synth --year $$y --seed $(SEED) && \
		$(BIN)/ksresearch ingest --year $$y || exit 1; \
	done
	$(BIN)/ksresearch report --year $(LAST_YEAR) --lang nb --format html,pdf,pptx
	$(BIN)/ksresearch report --year $(LAST_YEAR) --lang en --format html,pdf,pptx
	$(BIN)/ksresearch batch --year $(LAST_YEAR) --workers 2 --format html,pdf,pptx
	@echo
	@echo "Processed data:  data/processed/<year>/"
	@echo "General report:  reports/$(LAST_YEAR)/general_report.nb.html (.pdf, .pptx; and .en)"
	@echo "Company reports: reports/$(LAST_YEAR)/companies/ (HTML, PDF and PowerPoint)"

browser: ## Debian's chromium (reports to PDF, the rendering tests), poppler-utils (PDF pages to PNG) and libreoffice-impress (decks as PowerPoint shows them); installed when missing, needs root
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; } || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-impress fonts-liberation2 >/dev/null; \
		else echo "chromium, pdftoppm or soffice missing: sudo apt-get install chromium poppler-utils libreoffice-impress"; exit 1; fi; }

docs-screenshot: $(STAMP) browser ## The README's screenshot (docs/company_report.png): the first screen of a demo company's report, made now (after make demo)
	$(BIN)/ksresearch batch --year $(LAST_YEAR) --company "$(SHOT_COMPANY)" --out build/screenshot --workers 1
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1400 \
		--screenshot=docs/company_report.png "build/screenshot/$(LAST_YEAR)/companies/$(subst $(space),_,$(SHOT_COMPANY)).html"

test: $(STAMP) browser ## Lint and format check (ruff), the whole test suite (doctests included) on two cores, and the documentation site
	$(BIN)/ruff check src tests benchmarks notebooks docs/tutorials docs/hooks
	$(BIN)/ruff format --check src tests benchmarks notebooks docs/tutorials docs/hooks
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	@$(MAKE) --no-print-directory docs

docs: $(STAMP) ## The documentation site in build/site: user guide, API reference, the tutorials executed now (fails on any warning)
	@rm -rf .cache/mkdocs-jupyter
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "Documentation: build/site/index.html"

test-fast: $(STAMP) ## The inner loop: lint, and the tests not marked slow (no report building, no browser), on two cores
	$(BIN)/ruff check src tests benchmarks notebooks docs/tutorials docs/hooks
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow"

references: ## Re-run the R scripts of tests/reference/ (needs R: see the README) and rewrite their JSON
	@command -v Rscript >/dev/null 2>&1 || { echo "error: Rscript not found: install R (README, 'Reference results')"; exit 2; }
	@cd tests/reference && for f in [a-z]*.R; do Rscript "$$f" || exit 1; done

lint: $(STAMP) ## Ruff only (lint and format check)
	$(BIN)/ruff check src tests benchmarks notebooks docs/tutorials docs/hooks
	$(BIN)/ruff format --check src tests benchmarks notebooks docs/tutorials docs/hooks

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks notebooks docs/tutorials docs/hooks

lab: $(STAMP) ## JupyterLab on the project's environment, with the ksresearch kernel and jupytext pairing
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: $(STAMP) ## Run the performance benchmarks in benchmarks/
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean-data: ## Delete everything derived (data/processed, reports); raw data is kept
	find data/processed reports -mindepth 1 ! -name .gitkeep -delete

clean: clean-data ## Also delete the virtual environment
	rm -rf $(VENV)
