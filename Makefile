# Two entry points for a fresh machine (Python 3.11+): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= corpus

.PHONY: demo test setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp file re-runs the install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Debian packages the tests use: chromium renders report.html (tests/test_report_html.py); redis-server is the
# shared frontier of the distributed crawl tests (tests/test_distributed.py).
setup: $(VENV)/.installed
	bash scripts/setup-system.sh chromium redis-server

demo: $(VENV)/.installed
	$(BIN)/storycrawl demo --out $(OUT)

# The linters first (configured in pyproject.toml), then the suite.
test: setup
	$(BIN)/ruff check crawler cleaners
	$(BIN)/mypy crawler cleaners
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) corpus .pytest_cache
