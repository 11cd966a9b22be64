# Two entry points: `make demo` runs the main job, `make test` runs lint, the tests and the
# documentation build. Both use one virtual environment in .venv. A stamp file per extra
# records what is installed in it: `make demo` installs the package with its runtime
# dependencies only (light: no PyTorch), `make test` adds the development extra, and either
# order works without reinstalling what is already there.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
SITE := site

.PHONY: demo test lint docs format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): pyproject.toml Makefile | $(PY)
	$(PY) -m pip install -e .
	touch $@

# The development extra pins torch==2.13.0 as an oracle for the tests. On most machines pip
# resolves that to the CUDA build with gigabytes of dependencies; the README says how to
# install the CPU build first.
$(DEV): $(RUNTIME)
	$(PY) -m pip install -e ".[dev]"
	touch $@

demo: $(RUNTIME)
	$(PY) -m twingrad demo

lint: $(DEV)
	$(PY) -m ruff check src tests benchmarks examples docs
	$(PY) -m ruff format --check src tests benchmarks examples docs
	$(VENV)/bin/lint-imports

# --strict: a warning (a broken link, a docstring griffe cannot read) fails the build.
# NO_MKDOCS_2_WARNING: Material's banner about its successor, on every build, says nothing
# about this site.
docs: $(DEV)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir $(SITE)

# The browser test reads the site that `docs` just built instead of building its own.
test: lint docs
	TWINGRAD_DOCS_SITE=$(SITE) $(PY) -m pytest

format: $(DEV)
	$(PY) -m ruff format src tests benchmarks examples docs
	$(PY) -m ruff check --fix src tests benchmarks examples docs

bench: $(DEV)
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) build dist $(SITE) test-artifacts .pytest_cache .ruff_cache
