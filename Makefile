# Portal Integritas — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test test-long bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/flask --app wsgi setup link
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: $(DEVSTAMP)
	$(BIN)/python -m pytest

test-long: $(DEVSTAMP)
	PORTAL_LONG_TESTS=1 $(BIN)/python -m pytest

bench: $(DEVSTAMP)
	$(BIN)/python bench/run_all.py

# Re-extract every msgid (portal/*.py + templates/) and merge it into the English catalogue.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/messages.pot .
	$(BIN)/pybabel update -i /tmp/messages.pot -d portal/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
