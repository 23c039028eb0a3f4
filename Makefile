# Each target creates .venv when missing and installs the project into it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test bench fuzz lint format clean compile

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Byte-compile the game once (the environment may forbid writing .pyc files at run
# time, and compiling on every start costs the first screen ~25 ms).
compile: $(STAMP)
	@$(BIN)/python -m compileall -q game >/dev/null

play: compile
	@$(BIN)/frontier play

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: compile
	@$(BIN)/frontier bench

# The generated-input tests at ten times the cases `make test` runs (about 20,000).
fuzz: $(STAMP)
	FRONTIER_FUZZ=1 $(BIN)/python -m pytest tests/play/test_fuzz_inputs.py tests/play/test_save_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
