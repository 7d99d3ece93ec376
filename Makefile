# The setup contract: `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The pages' registry packages (package.json: the design system, htmx, axe-core for the
# browser tests), from npm. Without npm the desk runs on its own stylesheet, whole-page loads.
ASSETS := node_modules/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The sources and the ICD-10-CM code set are compiled once per install, so no command pays for
# compiling its modules or parsing the code set's XML.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python -c 'from claimdesk.codes.icd10_cache import icd10_table; icd10_table()'
	touch $(STAMP)

$(ASSETS): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --silent --no-audit --no-fund --ignore-scripts && touch $(ASSETS); \
	else \
		echo "npm is missing: the desk's pages run without their design system and htmx, and the"; \
		echo "browser tests' accessibility check skips (Debian: apt-get install npm)"; \
	fi

demo: $(STAMP) $(ASSETS)
	$(BIN)/claimdesk demo

# Tests run on every core: each one owns its files and databases, so they run side by side.
test: $(STAMP) $(ASSETS)
	$(BIN)/pytest -n auto --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules claimdesk-data .pytest_cache .mypy_cache .ruff_cache
