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
# The one place the development address is derived: `make serve` listens on it
# and the development builds put it in their absolute share links.
DEV_SITEURL = http://$(HOST):$(PORT)
DEV_SETTINGS = -e BOOKMARKS_DEV_SITEURL='"$(DEV_SITEURL)"'
# Builds into a fresh output.<n>/ and swaps the output link to it atomically.
BUILD := $(BIN)/python -m pelican_plugins.build
PYTEST_ARGS ?=
SEND_ARGS ?=
SEND := $(BIN)/python -m pelican_plugins.linkbacks send --output $(OUTPUTDIR) $(SEND_ARGS)

.DEFAULT_GOAL := help
.PHONY: help venv html clean regenerate serve devserver publish send test lint format bench bench-instructions bench-linkbacks bench-warm update-golden moderate import receiver sync-responses bench-receiver

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP) ## Create or refresh .venv

html: $(STAMP) ## Build the site into output/ with the development settings
	$(BUILD) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(DEV_SETTINGS)

clean: ## Remove the built site and the content cache
	rm -rf $(OUTPUTDIR) $(OUTPUTDIR).[0-9]* $(OUTPUTDIR).lock .$(OUTPUTDIR).link .$(OUTPUTDIR).*.trash cache

regenerate: $(STAMP) ## Rebuild whenever content, theme or settings change (in place)
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(DEV_SETTINGS)

serve: html ## Build, then serve the site on http://127.0.0.1:8000/ (PORT=… to change)
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT)

devserver: $(STAMP) ## Rebuild on change (in place) and serve on http://127.0.0.1:8000/
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT) $(DEV_SETTINGS)

publish: $(STAMP) ## Build for the web (publishconf.py) into a fresh folder swapped in atomically, then send linkbacks; NO_SEND=1 skips sending
	$(BUILD) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF)
	$(if $(NO_SEND),@echo "NO_SEND is set: linkbacks not sent",$(SEND))

send: $(STAMP) ## Send webmentions and pingbacks for output/ (SEND_ARGS=--dry-run to preview)
	$(SEND)

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

bench-linkbacks: $(STAMP) ## Time the linkbacks sender: 1,000 targets on a 50 ms local server
	$(BIN)/python bench/linkbacks.py $(BENCH_ARGS)

bench-warm: $(STAMP) ## Time rebuilds after editing one post or approving one comment
	$(BIN)/python bench/warm.py $(BENCH_ARGS)

import: $(STAMP) ## Import a WordPress export: make import WXR=export.xml [ARGS="--posts --uploads DIR"]
	@test -n "$(WXR)" || { echo 'usage: make import WXR=export.xml [ARGS="--posts --uploads DIR"]'; exit 2; }
	$(BIN)/python -m pelican_plugins.importers wordpress "$(WXR)" --content $(INPUTDIR) $(ARGS)

moderate: $(STAMP) ## Moderate responses: make moderate ARGS="list" (approve ID, spam ID, ...)
	$(BIN)/python -m pelican_plugins.responses --settings $(CONFFILE) moderate $(or $(ARGS),list)

receiver: $(STAMP) ## Run the receiver on 127.0.0.1:8001 (RECEIVER_ARGS="--config receiver.toml")
	$(BIN)/python -m pelican_plugins.receiver serve --db var/responses.sqlite3 --content $(INPUTDIR) \
		--site-url "$${SITEURL:-http://127.0.0.1:8000}" --targets $(OUTPUTDIR)/responses-targets.json \
		--host $(HOST) --port $${RECEIVER_PORT:-8001} $(RECEIVER_ARGS)

sync-responses: $(STAMP) ## Pull moderated responses from a remote receiver: make sync-responses FROM=https://…/receiver/
	@test -n "$(FROM)" || { echo 'usage: make sync-responses FROM=https://host/receiver/ (token in $$RECEIVER_EXPORT_TOKEN)'; exit 2; }
	$(BIN)/python -m pelican_plugins.receiver sync --from "$(FROM)" --content $(INPUTDIR) --db var/responses.sqlite3 $(SYNC_ARGS)

bench-receiver: $(STAMP) ## Load the receiver on loopback: webmention throughput and p99 vs its trivial route
	$(BIN)/python bench/receiver_load.py $(BENCH_ARGS)

update-golden: $(STAMP) ## Refresh the golden pages in tests/golden/
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py
