# cx-workbook: two commands on a fresh machine with Python 3.11.
#   make demo   install, then run the Spanish demo client and print its report index
#   make test   install, then lint and run every test on two workers (the same command .ci/run calls)
#   make lab    install, then open JupyterLab on notebooks/ with the workbook's kernel (CLIENT=demo)
#   make docs   install, then build the user guide (docs/) into build/site/ with MkDocs, strictly
PYTHON ?= python3.11
CLIENT ?= demo
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint lab docs benchmark clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[lab,test,docs]'
	$(BIN)/python -m ipykernel install --sys-prefix --name cxwb --display-name "Python (cx-workbook)"
	touch $@

demo: install
	$(BIN)/cxwb run demo
	@echo "Client index: $(CURDIR)/reports/demo/index.html"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q -n 2 --dist loadscope

lab: install
	$(BIN)/cxwb lab $(CLIENT)

docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

benchmark: install
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(VENV) reports
