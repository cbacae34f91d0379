# Portal Integritas — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run dev test test-long bench bench-table clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# deploy/argon2_native.py rebuilds argon2-cffi-bindings for this CPU (AVX2/AVX-512 instead of the wheel's
# SSE2: the receipt derivation, most of a WBS tip's CPU, in half the time, same output, checked); without a
# compiler, network or x86-64 it keeps the wheel. ARGON2_NATIVE=0 skips it (a venv copied to other machines).
# A stamp older than the script reinstalls, so an existing .venv gets the build once too.
$(STAMP): pyproject.toml deploy/argon2_native.py | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python deploy/argon2_native.py
	touch $@

$(DEVSTAMP): pyproject.toml deploy/argon2_native.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python deploy/argon2_native.py
	touch $@ $(STAMP)

# Serves with gunicorn (several workers; settings and log format in deploy/gunicorn.conf.py, shared
# with the systemd unit). PORT also sets the default PORTAL_BASE_URL, so printed links match.
run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	PORT=$(PORT) $(BIN)/flask --app wsgi setup link
	PORT=$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

# Flask's debug server (reloads on code changes); its request log carries no client address.
dev: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	PORT=$(PORT) $(BIN)/flask --app wsgi setup link
	PORT=$(PORT) $(BIN)/flask --app wsgi run --debug --host 127.0.0.1 --port $(PORT)

# The suite runs in parallel (pytest-xdist, one worker per core; TEST_WORKERS=0 for one process):
# every test has its own ports, temporary folders, database (or PostgreSQL schema) and Redis prefix.
# Bytecode caches stay on (even where the shell sets PYTHONDONTWRITEBYTECODE): the suite starts dozens
# of Python processes (workers, flask, gunicorn), each would compile the portal and the rewritten
# test modules again.
TEST_WORKERS ?= auto
test: $(DEVSTAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

test-long: $(DEVSTAMP)
	env -u PYTHONDONTWRITEBYTECODE PORTAL_LONG_TESTS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

bench: $(DEVSTAMP)
	$(BIN)/python bench/run_all.py

# Issue 20's "Done means" table: every figure beside its baseline and goal, at 1,000,000 complaints
# (the dataset is built once and kept, see bench/table.py). ARGS="--quick", ARGS="--database-url
# postgresql://…" (SQLite and PostgreSQL), ARGS="--rounds 7".
bench-table: $(DEVSTAMP)
	$(BIN)/python bench/table.py $(ARGS)

# Re-extract every msgid (portal/*.py + templates/) and merge it into the English catalogue.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/messages.pot .
	$(BIN)/pybabel update -i /tmp/messages.pot -d portal/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
