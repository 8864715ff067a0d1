# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SEED := seeds/israel-truce-times-of-israel.txt

.PHONY: install demo test lint clean

$(BIN)/checker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first: the pinned local CPU wheel, so nothing pulls the CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/checker

install: $(BIN)/checker

demo: install
	$(BIN)/checker check $(SEED)

test: install
	$(BIN)/ruff check checker tests models
	$(BIN)/ruff format --check checker tests models
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
