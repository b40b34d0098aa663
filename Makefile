# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app advisor
CATALOGS := $(wildcard advisor/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test lint install install-dev translations extract-messages clean precheck-report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d advisor/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o advisor/translations/messages.pot .
	$(BIN)/pybabel update -i advisor/translations/messages.pot -d advisor/translations --no-fuzzy-matching

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) demo generate --scale city --if-empty
	SCHEDULER_IN_PROCESS=1 $(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev
	@if [ -x /usr/bin/chromium ]; then echo "Browser tests: Chromium found at /usr/bin/chromium, they will run."; \
	else echo "Browser tests: SKIPPED, /usr/bin/chromium is missing (apt-get install -y chromium)."; fi
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check advisor tests config.py
	$(BIN)/ruff format --check advisor tests config.py
	$(BIN)/mypy

precheck-report: install
	$(BIN)/python -m advisor.precheck.report

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
