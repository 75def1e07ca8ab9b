# csagent — the two commands: `make run` and `make test`. Everything is installed from this repository's files.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup prepare lint typecheck contract contract-check bench bench-rest bench-ws bench-scale load unit clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch==2.13.0 first: the CPU wheel on disk (otherwise sentence-transformers pulls a multi-GB CUDA build).
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

prepare: setup
	$(VENV)/bin/csagent prepare

run: prepare
	$(VENV)/bin/csagent up

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

contract: setup
	$(VENV)/bin/csagent contract

contract-check: setup
	$(VENV)/bin/csagent contract --check

test: prepare lint typecheck contract-check
	$(VENV)/bin/pytest --cov --cov-report=term:skip-covered

unit: prepare
	$(VENV)/bin/pytest tests/unit -q

bench: prepare
	$(PY) -m loadtests.bench

bench-rest: prepare
	$(PY) -m loadtests.rest_compare

bench-ws: prepare
	$(PY) -m loadtests.ws_capacity

bench-scale: prepare $(VENV)/.load-installed
	$(PY) -m loadtests.scaling

$(VENV)/.load-installed: requirements-load.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-load.txt
	@touch $@

load: prepare $(VENV)/.load-installed
	$(PY) -m loadtests.run

clean:
	rm -rf var/index var/models var/*.db* .pytest_cache .mypy_cache .ruff_cache
