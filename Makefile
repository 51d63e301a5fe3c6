# The two entry points a newcomer needs: `make chat` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-test chat demo test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: this CPU build lies on the machine's disk; unpinned, pip pulls a multi-GB build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

# Test extras, and the real local LLM server of the `llm` tests (built from source, ~4 min once).
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,ollama]'
	bash scripts/install-llm-server.sh $(BIN)/python
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

chat: install
	$(BIN)/quartiers serve

demo: install
	$(BIN)/quartiers ingest
	$(BIN)/quartiers search "quelles actions pour la santé des jeunes ?" -k 3
	$(BIN)/quartiers ask "comment aider les familles à mieux manger ?"

test: install-test
	$(BIN)/python -m pytest
