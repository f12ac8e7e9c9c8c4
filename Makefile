# Mediatheek: `make run` serves the demo, `make test` runs every check. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export MEDIATHEEK_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev lock run test lint typecheck deploy-check browser messages bench clean

# The production install: the hash-pinned runtime lock (with setuptools and wheel for the editable install) and the
# project itself, nothing from requirements-dev.lock.
install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Development adds the test, lint and type tools (requirements-dev.lock pins the runtime packages at the same versions).
install-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(DEV_STAMP)

# Both locks come from pyproject.toml through pip-compile, with the hashes of every file of each release. Existing
# pins are kept; `make lock LOCK_ARGS=--upgrade` (or `--upgrade-package NAME`) moves them.
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --strip-extras \
	--build-deps-for editable --no-allow-unsafe --unsafe-package pip --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock: install-dev
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

run: install
	$(BIN)/mediatheek migrate --noinput -v0
	$(BIN)/mediatheek seed_demo
	MEDIATHEEK_BASE_URL=http://$(HOST):$(PORT) $(BIN)/mediatheek demo_info
	DEBUG=1 $(BIN)/mediatheek runserver --noreload $(HOST):$(PORT)

# Browsers for the Playwright tests come from Debian's chromium package (Playwright's own download can't work here).
browser:
	@# chromium for the browser tests; poppler-utils and zbar-tools let a test read the library cards' barcodes
	@# from the rendered PDF as a desk scanner would (that test is skipped where they are missing).
	@if [ -x /usr/bin/chromium ] && command -v zbarimg >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium (browser tests), poppler-utils and zbar-tools (barcode test)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils zbar-tools >/dev/null) \
		|| echo "WARNING: could not install chromium, poppler-utils and zbar-tools"; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$CI" = "true" ]; then echo "ERROR: /usr/bin/chromium is missing; browser tests cannot run under CI." >&2; exit 1; fi; \
		echo ""; echo "################################################################"; \
		echo "WARNING: /usr/bin/chromium not found: the browser tests will be SKIPPED."; \
		echo "Install it with: apt-get install -y chromium"; \
		echo "################################################################"; echo ""; \
	fi

# lint-imports checks the layers declared in pyproject.toml ([tool.importlinter]); makemigrations --check fails
# when a model changed without its migration.
lint: install-dev
	$(BIN)/ruff check src bench scripts
	$(BIN)/ruff format --check src bench scripts
	$(BIN)/bandit -q -c pyproject.toml -r src bench scripts --severity-level high
	$(BIN)/lint-imports
	$(BIN)/mediatheek makemigrations --check --dry-run

typecheck: install-dev
	$(BIN)/mypy

# The production settings must pass Django's deployment checks without a warning.
deploy-check: install
	MEDIATHEEK_ENV=production SECRET_KEY=ci-deploy-check-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=bibliotheek.example MEDIATHEEK_DATA_DIR=$$(mktemp -d) \
	DEFAULT_FROM_EMAIL="Mediatheek <mediatheek@bibliotheek-noord.nl>" \
	$(BIN)/mediatheek check --deploy --fail-level WARNING

test: install-dev browser
	$(BIN)/pytest -n 2 --dist loadgroup
	$(MAKE) --no-print-directory lint typecheck deploy-check

messages: install
	cd src/mediatheek && ../../$(BIN)/mediatheek makemessages -l en --no-obsolete --ignore "*/tests/*" && ../../$(BIN)/mediatheek compilemessages

bench: install
	$(BIN)/python bench/import_students.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
