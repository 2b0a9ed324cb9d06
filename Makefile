# Two commands do all the set-up (see README):  make run   |   make test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint messages clean bench

# The virtual environment is rebuilt only when pyproject.toml changes, so a second `make run`
# starts in seconds.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py compile_catalogs
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: setup
	$(PY) manage.py run_portal --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) manage.py compile_catalogs
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Re-extract the UI strings into locale/ (needs GNU gettext); translate, then `make test`.
messages: $(STAMP)
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench

clean:
	rm -rf $(VENV) var

# Benchmarks against the physical limit (PostgreSQL COPY, a static file); needs PostgreSQL.
bench: $(STAMP)
	$(PY) bench/run.py
