# Mediatheek: `make run` serves the demo, `make test` runs every check. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MEDIATHEEK_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck deploy-check browser messages bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

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

lint: install
	$(BIN)/ruff check src bench scripts
	$(BIN)/ruff format --check src bench scripts
	$(BIN)/bandit -q -c pyproject.toml -r src bench scripts --severity-level high

typecheck: install
	$(BIN)/mypy

# The production settings must pass Django's deployment checks without a warning.
deploy-check: install
	MEDIATHEEK_ENV=production SECRET_KEY=ci-deploy-check-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=bibliotheek.example MEDIATHEEK_DATA_DIR=$$(mktemp -d) \
	$(BIN)/mediatheek check --deploy --fail-level WARNING

test: install browser
	$(BIN)/pytest -n 2 --dist loadgroup
	$(MAKE) --no-print-directory lint typecheck deploy-check

messages: install
	cd src/mediatheek && ../../$(BIN)/mediatheek makemessages -l en --no-obsolete --ignore "*/tests/*" && ../../$(BIN)/mediatheek compilemessages

bench: install
	$(BIN)/python bench/import_students.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
