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
# The DfE validators (csc-validator-be-cin, csc-validator-be-903) pin pandas < 2 and numpy < 1.25:
# they get their own Python 3.11 virtual environment, which `joinedup returns validate` calls.
VALIDATORS_PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VALIDATORS_VENV := .venv-validators
VALIDATORS_STAMP := $(VALIDATORS_VENV)/.installed
VALIDATORS := csc-validator-be-cin==0.1.13 csc-validator-be-903==0.1.17

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

$(VALIDATORS_STAMP): constraints-validators.txt
	$(VALIDATORS_PYTHON) -c 'import sys; sys.exit("The DfE validators need Python 3.11 (VALIDATORS_PYTHON=...)") if sys.version_info[:2] != (3, 11) else None'
	rm -rf $(VALIDATORS_VENV)
	$(VALIDATORS_PYTHON) -m venv $(VALIDATORS_VENV)
	$(VALIDATORS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VALIDATORS_VENV)/bin/python -m pip install --quiet --only-binary=numpy,pandas --constraint constraints-validators.txt $(VALIDATORS)
	touch $(VALIDATORS_STAMP)

setup: $(STAMP) $(VALIDATORS_STAMP) ## Create .venv/ (Joined Up, editable, with its front-end assets) and .venv-validators/ (the DfE validators)

demo: setup ## Build the 10,000-child demo authority and serve it on http://127.0.0.1:8000
	$(DEMO_ENV) $(BIN)/joinedup db upgrade
	$(DEMO_ENV) $(BIN)/joinedup demo build --children 10000 --years 5 --seed 2026
	$(DEMO_ENV) $(BIN)/joinedup demo accounts
	$(DEMO_ENV) JOINEDUP_CHILD_POPULATION=10000 $(BIN)/joinedup serve --host $(HOST) --port $(PORT)

demo-large: setup ## Build the 60,000-child authority (over a million records) used by benchmarks
	$(DEMO_ENV) $(BIN)/joinedup db upgrade
	time $(DEMO_ENV) $(BIN)/joinedup demo build --children 60000 --years 5 --seed 2026

serve: setup ## Serve whatever database JOINEDUP_DATABASE_URL names
	$(BIN)/joinedup serve --host $(HOST) --port $(PORT)

test: setup ## Run every test, on every core (PostgreSQL too when JOINEDUP_TEST_DATABASE_URL is set; PYTEST_ARGS adds options)
	$(BIN)/pytest -q -n auto --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

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

clean: ## Remove the virtual environments, node_modules and local data
	rm -rf $(VENV) $(VALIDATORS_VENV) node_modules var src/joinedup/web/static/govuk
