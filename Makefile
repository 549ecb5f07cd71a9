# Two commands set up everything on a fresh machine:
#   make run    install, migrate, load demo content, serve on http://127.0.0.1:8000
#   make test   install with test extras, lint, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint lock migrate serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install from the lock files (exact versions); re-run only when a lock file changes.
$(VENV)/.installed-base: requirements/base.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.installed-test: requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.lock
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-test: $(VENV)/.installed-test

# The address every link in mail, calendars and page URLs is built on.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

# The web server and the background worker (mail, reminders) together, from
# portal/Procfile; Ctrl-C stops both.
run: install
	@DEBUG=true PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(BIN)/python manage.py migrate --no-input -v 0
	@DEBUG=true PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Family Portal: $(PUBLIC_BASE_URL)/   (admin: $(PUBLIC_BASE_URL)/admin/)"
	@echo "Mail is printed here by the worker (EMAIL_URL sends it to a real server)."
	@echo ""
	@DEBUG=true PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) PORTAL_HOST=$(HOST) PORTAL_PORT=$(PORT) \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f portal/Procfile -d . start

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Both cores (the machines here have two): pytest-xdist runs the suite in this many
# worker processes, each with its own test database, Redis prefix and ports; a browser
# test class stays on one worker (--dist loadgroup). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2

test: install-test lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# Regenerate the lock files after changing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --extra test -o requirements/test.lock

clean:
	rm -rf $(VENV) var static .pytest_cache .ruff_cache
