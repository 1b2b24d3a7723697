# The two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Where `make run` listens: `make run PORT=8123 HOST=0.0.0.0` (command-line variables only,
# so a HOST or PORT in the environment does not move it). The database is
# data/agentcron.db in this checkout unless AGENTCRON_DATABASE_URL names another.
HOST = 127.0.0.1
PORT = 8000

.PHONY: run test lint typecheck pytest audit bench bench-quick bench-tools browser clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

## run: set up, migrate the database and serve http://$(HOST):$(PORT) (default 127.0.0.1:8000)
run: $(STAMP)
	$(BIN)/agentcron migrate
	$(BIN)/agentcron serve --host $(HOST) --port $(PORT)

## test: lint, type-check, audit dependencies and run the whole suite
test: $(STAMP) lint typecheck audit browser pytest

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard src tests bench scripts)
	$(BIN)/ruff format --check $(wildcard src tests bench scripts)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

audit: $(STAMP)
	@if [ "$${AGENTCRON_SKIP_AUDIT:-0}" = "1" ]; then echo "pip-audit skipped (AGENTCRON_SKIP_AUDIT=1)"; \
	else $(BIN)/python scripts/audit_deps.py requirements.lock; fi

# Browser tests drive Debian's Chromium; install it when missing (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: /usr/bin/chromium missing; browser tests will skip (run: sudo apt-get install -y chromium)"; fi; fi

# Four workers on two cores: much of the suite waits on servers, processes and the browser.
PYTEST_WORKERS ?= 4
pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## bench: the benchmark suite (see docs/benchmarks.md)
bench: $(STAMP) bench-tools
	$(BIN)/python -m bench all --json docs/benchmarks.json

bench-quick: $(STAMP) bench-tools
	$(BIN)/python -m bench all --quick

# The API scenario loads the server with wrk (Debian's package) when it is there, else with
# an httpx script that costs the shared cores more per request.
bench-tools:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "note: wrk missing; the API benchmark uses httpx (run: sudo apt-get install -y wrk)"; fi; fi

lock: $(BIN)/python
	$(BIN)/uv pip compile pyproject.toml --extra postgres --extra test --extra bench -o requirements.lock -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
