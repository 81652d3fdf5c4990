# Polindex — two commands: `make demo` and `make test`. Every target bootstraps .venv itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Third-party data (IMPIC, ASEM, COINr references) are read from here, never copied into the repo.
ifneq ($(wildcard ../shared/data),)
POLINDEX_DATA_DIR ?= $(abspath ../shared/data)
endif
export POLINDEX_DATA_DIR

# The newest Python >= 3.12 on this machine (plain names first, then pyenv's installs).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3 python; do \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v "$$p" || echo "$$p"; } && break; \
	done)

.PHONY: help demo test lint typecheck unit bench screenshots clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Polindex needs Python >= 3.12 (Django 6 requires it); none found on PATH or in ~/.pyenv." >&2; \
	  echo "Install python3.12 or newer, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@rm -rf $(VENV)
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[web,dev]'
	@touch $(STAMP)

PORT ?= 8000

demo: $(STAMP)  ## Score, publish and serve the demonstration indexes (another port: make demo PORT=8001)
	$(BIN)/polindex demo --out var/demo --publish --serve --port $(PORT)

test: $(STAMP)  ## Lint, type-check and run the whole test suite (the checks beside the tests)
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint unit

lint: $(STAMP)  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

# One test process per core (pytest-xdist); each test file stays on one worker, so its module
# fixtures are built once. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= auto

unit: $(STAMP)  ## The test suite only (PYTEST_WORKERS=0: in one process)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

bench: $(STAMP)  ## Timings of the engine, the web and a 10-minute soak (printed, never asserted; POLINDEX_SOAK_SECONDS shortens it)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/weights_web.py
	$(BIN)/python benchmarks/whatif_web.py
	$(BIN)/python benchmarks/feedback.py
	$(BIN)/python benchmarks/collection.py
	$(BIN)/python benchmarks/saves.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/bulk_steps.py
	$(BIN)/python benchmarks/invitations.py
	$(BIN)/python benchmarks/soak.py

screenshots: $(STAMP)  ## Every page kind at 390 and 1366 px, English and French, into var/screenshots/ (needs /usr/bin/chromium)
	$(BIN)/python scripts/screenshots.py

clean:  ## Remove the virtual environment and generated files
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
