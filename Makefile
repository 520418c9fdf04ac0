# Joined Up: every task in one place. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_ENV := JOINEDUP_DEMO_ACCOUNTS=true JOINEDUP_ENVIRONMENT=demo
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup demo demo-large serve test test-browser lint typecheck migrations-check bench clean

help: ## List the tasks
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt package.json package-lock.json
	$(PYTHON) -c 'import sys; sys.exit("Joined Up needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m joinedup.web.assets
	touch $(STAMP)

setup: $(STAMP) ## Create .venv/ and install Joined Up into it (editable), with its front-end assets

demo: setup ## Build the 10,000-child demo authority and serve it on http://127.0.0.1:8000
	$(DEMO_ENV) $(BIN)/joinedup db upgrade
	$(DEMO_ENV) $(BIN)/joinedup demo build --children 10000 --years 5 --seed 2026
	$(DEMO_ENV) $(BIN)/joinedup demo accounts
	$(DEMO_ENV) $(BIN)/joinedup serve --host $(HOST) --port $(PORT)

demo-large: setup ## Build the 60,000-child authority (over a million records) used by benchmarks
	$(DEMO_ENV) $(BIN)/joinedup db upgrade
	time $(DEMO_ENV) $(BIN)/joinedup demo build --children 60000 --years 5 --seed 2026

serve: setup ## Serve whatever database JOINEDUP_DATABASE_URL names
	$(BIN)/joinedup serve --host $(HOST) --port $(PORT)

test: setup ## Run every test (PostgreSQL too when JOINEDUP_TEST_DATABASE_URL is set)
	$(BIN)/pytest -q

lint: setup ## ruff: lint and formatting
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup ## mypy --strict on src/
	$(BIN)/mypy src

migrations-check: setup ## The models and the migrations agree (alembic check)
	$(BIN)/joinedup db upgrade
	$(BIN)/joinedup db check

bench: setup ## Benchmarks (not tests); results go to docs/performance.md
	$(BIN)/python bench/ingest.py

clean: ## Remove the virtual environment, node_modules and local data
	rm -rf $(VENV) node_modules var src/joinedup/web/static/govuk
