# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app advisor
CATALOGS := $(wildcard advisor/translations/*/LC_MESSAGES/messages.po)

# What the suite needs from Debian: Chromium (and CJK fonts) for the browser tests, the
# CJK fonts also for the opinion letter as PDF (advisor/reviews/letter_pdf.py embeds Noto
# Serif CJK SC; production installs fonts-noto-cjk too, docs/deploy.md),
# libfaketime for the tests that start a process on the suite's clock.
SYSTEM_PACKAGES := chromium fonts-noto-cjk faketime

.PHONY: docs lock run serve test lint security sbom audit install install-dev system-packages translations extract-messages clean precheck-report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs take the exact versions in the lock files (make lock writes them from
# pyproject.toml), so every machine runs what CI tested.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e ".[dev]"
	touch $@

# After changing pyproject.toml's dependencies: pin them again. Versions already pinned
# are kept where they still fit (uv prefers the lock file's versions); `make lock
# UPGRADE=1` moves everything to the newest releases that fit.
lock: $(VENV)/.installed-dev
	$(BIN)/uv pip compile pyproject.toml --universal --quiet $(if $(UPGRADE),--upgrade) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --universal --quiet --extra dev $(if $(UPGRADE),--upgrade) -o requirements-dev.lock

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d advisor/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o advisor/translations/messages.pot .
	$(BIN)/pybabel update -i advisor/translations/messages.pot -d advisor/translations --no-fuzzy-matching

# The demo bureau's name (advisor/demo/bureau.py BUREAU_NAME) heads its exports unless
# BUREAU_NAME is set; make serve has no such default: a real bureau sets its own.
DEMO_BUREAU_NAME := 乌苏市教科局

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) demo generate --scale city --if-empty
	BUREAU_NAME="$${BUREAU_NAME:-$(DEMO_BUREAU_NAME)}" SCHEDULER_IN_PROCESS=1 PARSE_WARM_START=1 PRECHECK_AFTER_RESPONSE=1 \
		$(FLASK) run --host $(HOST) --port $(PORT)

# The production topology in the foreground (issue 16): migrate, then gunicorn
# (gunicorn.conf.py: WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT) and exactly one reminder
# scheduler against DATABASE_URL; Ctrl-C or SIGTERM stops both (deploy/serve.py).
# ADVISOR_ENV=production: a development SECRET_KEY is refused. No demo data.
serve: install
	$(FLASK) db upgrade
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/python deploy/serve.py

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'ok installed' || printf '%s ' $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing $$missing(Debian packages the tests need)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "The tests need these Debian packages: sudo apt-get install -y $$missing"; exit 1; fi; \
	fi

# Python may keep compiled modules (and pytest its rewritten test modules): every test
# worker and every process a test starts would otherwise compile the same sources again.
unexport PYTHONDONTWRITEBYTECODE

# The suite in parallel, one pytest-xdist worker per core (each its own database:
# tests/conftest.py); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install-dev system-packages
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: install-dev
	$(BIN)/ruff check advisor tests tools config.py
	$(BIN)/ruff format --check advisor tests tools config.py
	$(BIN)/mypy

# Static security check of the application's code (bandit). A finding is accepted only
# in place, with `# nosec <id>: <why>`; any other finding fails.
security: install-dev
	$(BIN)/bandit -c pyproject.toml -r advisor config.py

# The software bill of materials: the exact installed version of every package the
# application runs on (dev tools left out), as CycloneDX JSON in build/sbom.cdx.json.
sbom: install-dev
	mkdir -p build
	$(BIN)/python tools/supply_chain.py requirements > build/runtime-requirements.txt
	$(BIN)/cyclonedx-py requirements --pyproject pyproject.toml --of JSON \
		-o build/sbom.cdx.json build/runtime-requirements.txt
	@echo "SBOM: build/sbom.cdx.json ($$(wc -l < build/runtime-requirements.txt) packages)"

# pip-audit over exactly the SBOM's packages. Fails (exit 1) on a known vulnerability,
# and also when it could not audit every package (no vulnerability database reachable:
# pip-audit then says "No known vulnerabilities found" having looked at nothing).
audit: sbom
	$(BIN)/pip-audit -r build/runtime-requirements.txt --no-deps --disable-pip \
		--progress-spinner off -f json -o build/audit.json || true
	$(BIN)/python tools/supply_chain.py check-audit build/audit.json

precheck-report: install
	$(BIN)/python -m advisor.precheck.report
	$(BIN)/python -m tools.precheck_report --split both

# docs/api.md from the served OpenAPI (tests/test_docs.py fails when it is out of date).
docs: install
	$(BIN)/python -m tools.api_guide

# The API fuzzed from its own served OpenAPI with schemathesis (issue 15, item 4), bounded:
# FUZZ_EXAMPLES (default 8) examples per operation, each sent as bureau, advisor and school.
.PHONY: fuzz-api
fuzz-api: install-dev
	FUZZ_API=1 $(BIN)/pytest tests/fuzz -q -s -p no:cacheprovider

# The production topology end to end with real processes (issue 16, item 12): make serve's
# supervisor (gunicorn, 4 workers, and the scheduler) on fresh databases beside
# TEST_DATABASE_URL, which must be PostgreSQL; tests/topology/test_production.py lists the
# steps, each printing its time. Not part of the ordinary suite (TOPOLOGY=1 collects it).
.PHONY: topology-test
topology-test: install-dev system-packages
	@case "$(TEST_DATABASE_URL)" in postgresql*) ;; *) \
		echo "make topology-test runs on PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/NAME (NAME containing 'test' or 'ci'; got '$(TEST_DATABASE_URL)')"; \
		exit 1;; esac
	TOPOLOGY=1 TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest tests/topology -q -s -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Every goal of issue 19 measured and printed as one table, also written to
# bench-results.json (benchmarks/bench.py). BENCH_DATABASE_URL for PostgreSQL (a database
# whose name contains "bench"), else instance/bench-province.db; a database without
# contracts is first filled with the province (about 20 minutes). The load test needs
# Debian's wrk. BENCH_OPTIONS passes options on, e.g. BENCH_OPTIONS="--quick --skip ledger".
# Fails (exit 1) when any goal is missed, after printing and writing the table.
.PHONY: bench
bench: install-dev
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing wrk (the Debian package the load test needs)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "The load test needs wrk: sudo apt-get install -y wrk"; exit 1; fi; \
	fi
	$(BIN)/python -m benchmarks.bench $(BENCH_OPTIONS)
