# Two entry points for newcomers (see README): `make site` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site test serve bench system-deps lint

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Set up, validate and build the example site into site/
site: $(STAMP)
	$(VENV)/bin/maturity build --offline

## Set up (Python packages, Chromium, LibreOffice Calc) and run every test
test: $(STAMP) system-deps
	$(PY) -m pytest

serve: $(STAMP)
	$(VENV)/bin/maturity serve

## Every benchmark (synthetic organisations of 100 and 1000 teams; several minutes)
bench: $(STAMP)
	$(PY) benchmarks/bench_validate.py
	$(PY) benchmarks/bench_workbook.py
	$(PY) benchmarks/bench_review.py
	$(PY) benchmarks/bench_site.py
	$(PY) benchmarks/bench_pages.py
	$(PY) benchmarks/bench_frameworks.py
	$(PY) benchmarks/bench_crosswalk.py
	$(PY) benchmarks/bench_adopt.py
	$(PY) benchmarks/bench_perf.py

lint: $(STAMP)
	$(VENV)/bin/ruff check generator tests benchmarks
	$(VENV)/bin/mypy generator

system-deps:
	@bash scripts/system-deps.sh
