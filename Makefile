# The Listening Back: build, serve, test and benchmark the blog.
# `make serve` and `make test` create .venv and install into it when needed.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PELICAN := $(BIN)/pelican
INPUTDIR := content
OUTPUTDIR := output
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv html clean regenerate serve devserver publish test lint format bench bench-instructions bench-warm update-golden moderate import

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv

html: $(STAMP) ## Build the site into output/ with the development settings
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

clean: ## Remove the built site and the content cache
	rm -rf $(OUTPUTDIR) cache

regenerate: $(STAMP) ## Rebuild whenever content, theme or settings change
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

serve: html ## Build, then serve the site on http://127.0.0.1:8000/
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT)

devserver: $(STAMP) ## Rebuild on change and serve on http://127.0.0.1:8000/
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT)

publish: $(STAMP) ## Build the site for the web with publishconf.py
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF)

test: $(STAMP) ## Run the whole test suite (lint included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Check the code with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Time plain Pelican against this project (BENCH_ARGS="--posts 500,2000,5000" sweeps)
	$(BIN)/python bench/build.py $(BENCH_ARGS)

bench-instructions: $(STAMP) ## Count instructions (valgrind) of the bench variants over 3 hash seeds
	$(BIN)/python bench/instructions.py $(BENCH_ARGS)

bench-warm: $(STAMP) ## Time rebuilds after editing one post or approving one comment
	$(BIN)/python bench/warm.py $(BENCH_ARGS)

import: $(STAMP) ## Import a WordPress export: make import WXR=export.xml [ARGS="--posts"]
	@test -n "$(WXR)" || { echo 'usage: make import WXR=export.xml [ARGS="--posts"]'; exit 2; }
	$(BIN)/python -m pelican_plugins.importers wordpress "$(WXR)" --content $(INPUTDIR) $(ARGS)

update-golden: $(STAMP) ## Refresh the golden pages in tests/golden/
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py
