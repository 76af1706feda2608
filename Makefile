# eduscrape: `make demo` and `make test` work from a fresh clone (Debian/Ubuntu, Python 3.11).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test lint format docs bench clean venv system-deps system-deps-test

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps --no-build-isolation -e . 2>/dev/null || $(PIP) install --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

system-deps:
	@scripts/system-deps.sh demo

system-deps-test:
	@scripts/system-deps.sh test

## demo: serve the demo sites on loopback, run every spider into MongoDB and ./output, print a summary
demo: system-deps $(VENV)/.installed
	$(PY) -m eduscrape.demo.run

## test: the whole test suite against real servers on loopback
test: system-deps-test $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff, and mypy over eduscrape (configured in pyproject.toml; tests/test_typing.py runs it in CI)
lint: $(VENV)/.installed-dev
	$(PY) -m ruff check eduscrape tests bench
	$(PY) -m ruff format --check eduscrape tests bench
	$(PY) -m mypy eduscrape

format: $(VENV)/.installed-dev
	$(PY) -m ruff check --fix eduscrape tests bench
	$(PY) -m ruff format eduscrape tests bench

## docs: API reference of the Scrapy-free modules (pdoc, from the docstrings) in docs/api/
docs: $(VENV)/.installed-dev
	$(PY) scripts/api_docs.py docs/api

## bench: every benchmark, one JSON file (bench/results/latest.json) and a table
bench: system-deps-test $(VENV)/.installed-dev
	$(PY) bench/run_all.py --update-readme

clean:
	rm -rf output .eduscrape .pytest_cache .mypy_cache docs/api build *.egg-info
