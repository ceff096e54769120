# The two commands a newcomer needs: `make demo` (set up, then run a campaign end to end on the
# embedded default) and `make test` (the whole suite; integration tests need `make services`).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint services services-stop
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	touch $@

demo: setup
	$(BIN)/sensing demo

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

services:
	scripts/services.sh install
	scripts/services.sh start

services-stop:
	scripts/services.sh stop
