# Two commands: `make demo` and `make test`. Everything else they need, they install.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: demo test lint bench serve venv chromium clean

$(STAMP): requirements.lock pyproject.toml scripts/find-python
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Replacing $(VENV): it was made with a Python older than 3.12"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ]; then \
		py=$$(scripts/find-python) || exit 1; \
		echo "Creating $(VENV) with $$py"; $$py -m venv $(VENV) || exit 1; fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

chromium:
	@scripts/ensure-chromium

demo: venv
	$(BIN)/liaison demo --port $(PORT)

serve: venv
	$(BIN)/liaison migrate --noinput
	$(BIN)/liaison serve --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

# The suite in one process per core (at most 8, each with its own test database), a
# module's tests in one process, so what a module builds once is built once.
test: venv chromium lint
	$(BIN)/pytest -n auto --maxprocesses=8 --dist loadfile

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
