# The two commands of the README: `make demo` and `make test`.
BIN := .venv/bin
PYTEST_ARGS ?=

.PHONY: demo test suite lint bootstrap clean

demo: bootstrap
	$(BIN)/baton demo

bootstrap:
	@scripts/bootstrap.sh

test: bootstrap lint suite

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/baton makemigrations --check --dry-run

suite:
	$(BIN)/pytest -p no:cacheprovider -n 2 $(PYTEST_ARGS)

clean:
	rm -rf .venv var test-artifacts
