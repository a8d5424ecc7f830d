# Threadr: `make run` serves the app on the embedded defaults; `make test` runs every check CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Production-like environment for the deploy check (values are throwaway, never used to serve).
DEPLOY_ENV := DEBUG=0 SECRET_KEY=deploy-check-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=threadr.example.com

.PHONY: run test lint deploy-check services chromium collectstatic bench screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# On PostgreSQL a job worker runs beside the server (and stops with it); on SQLite there is no job queue.
run: $(VENV)/.runtime-installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	@export DEBUG=$${DEBUG:-1}; \
	case "$${DATABASE_URL:-}" in \
	postgres:*|postgresql:*|pgsql:*|psql:*|postgis:*) \
		$(PY) manage.py procrastinate worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
		$(PY) manage.py runserver 127.0.0.1:8000;; \
	*) \
		echo "Publishing to X needs PostgreSQL (DATABASE_URL) and X_CLIENT_ID; on SQLite no job worker runs."; \
		$(PY) manage.py runserver 127.0.0.1:8000;; \
	esac

services: $(VENV)/.dev-installed
	@$(PY) tests/check_services.py

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing: run 'sudo apt-get install -y chromium' (the browser tests drive /usr/bin/chromium)."; \
			exit 1; \
		fi; \
	fi

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

deploy-check: $(VENV)/.dev-installed
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# pytest-xdist runs the tests in TEST_WORKERS processes, one per core on CI's two (each with its own test database and
# Redis db: tests/parallel.py); work-stealing keeps both busy to the end. PYTEST_ARGS="-n 0" runs them in one process.
TEST_WORKERS ?= 2
test: $(VENV)/.dev-installed services chromium lint deploy-check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py; speed=$$?; $(PY) bench/quality.py && exit $$speed

# The README's pictures, taken from the app in Chromium (tools/screenshots/); SCREENSHOTS_ARGS="--only share" narrows.
screenshots: $(VENV)/.dev-installed chromium
	$(PY) -m tools.screenshots $(SCREENSHOTS_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache .coverage test-artifacts
