# Two commands do everything on a fresh machine: `make run` and `make test`.
PY := .venv/bin/python
export OMP_NUM_THREADS ?= 1
export HF_HUB_OFFLINE ?= 1

.PHONY: setup run test test-fast lint bench clean

setup:
	@bash scripts/setup.sh

run: setup
	@$(PY) -m assistant

test: setup lint
	$(PY) -m pytest -q --durations=15 tests

lint: setup
	$(PY) -m ruff check assistant intents generators tests scripts
	$(PY) -m mypy --strict intents generators
	$(PY) -m mypy assistant

test-fast: setup
	$(PY) -m pytest -q -m "not slow" tests

bench: setup
	$(PY) -m assistant bench

clean:
	rm -rf .venv .pytest_cache
