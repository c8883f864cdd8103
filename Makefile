# nianbao — two commands: `make run` (set up, then harvest the bundled sample portal into the warehouse)
# and `make test`. Everything installs into .venv; the warehouse defaults to an embedded PostgreSQL.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MANIFEST := dbt/target/manifest.json
DBT_SOURCES := $(shell find dbt -path dbt/target -prune -o -path dbt/logs -prune -o \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)

.PHONY: setup run test lint bench clean db-stop help

help:
	@echo "make run    set up (first time only) and run the whole pipeline on the embedded defaults"
	@echo "make test   set up and run the test suite"
	@echo "make lint   ruff, ruff format --check, mypy (parsers, warehouse), sqlfluff (dbt)"
	@echo "make setup  create .venv and install (quick when already done)"
	@echo "make bench  run the benchmarks in benchmarks/"

setup: $(STAMP) $(MANIFEST)

# uv installs in seconds; plain pip is the fallback where uv cannot be had. --compile-bytecode: the .pyc
# files are written once here, as pip does by default; uv does not, and where PYTHONDONTWRITEBYTECODE is set
# (as on the machines measured here) every process would compile its imports again (dbt: 1.5 s of every invocation).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv || true
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -e '.[dev]'; \
	 else $(BIN)/python -m pip install -q -e '.[dev]'; fi
	@$(BIN)/python -m expectations.offline_docs install  # bootstrap-table for GX's data docs, from npm
	@touch $@

# The DAG renders one Airflow task per dbt model from this manifest (no `dbt ls` at every DAG parse).
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	@$(BIN)/nianbao dbt-parse

run: setup
	$(BIN)/nianbao run

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

# rule sets: pyproject.toml ([tool.ruff.lint], [tool.mypy]) and dbt/.sqlfluff
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy parsers warehouse
	$(BIN)/sqlfluff lint dbt/models dbt/tests dbt/macros

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Superset and Airflow first: their metadata databases are on the embedded PostgreSQL or beside it
db-stop:
	-$(BIN)/nianbao bi down
	-$(BIN)/nianbao airflow down
	-$(BIN)/nianbao db stop

clean: db-stop
	rm -rf $(VENV) .venv-superset .nianbao dbt/target dbt/logs
