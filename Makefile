# The two commands of the README: `make demo` and `make test`.
BIN := .venv/bin
PYTEST_ARGS ?=

.PHONY: demo test suite lint quick bootstrap bootstrap-test clean

demo: bootstrap
	$(BIN)/baton demo

bootstrap:
	@scripts/bootstrap.sh

# The browser tests drive Debian's Chromium; as root, make test installs it.
bootstrap-test:
	@scripts/bootstrap.sh --browser

test: bootstrap-test lint suite

# The same checks run before every commit once `.venv/bin/pre-commit install` is done
# (.pre-commit-config.yaml calls this target).
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r baton config -lll
	$(BIN)/mypy
	$(BIN)/baton makemigrations --check --dry-run

# The edit loop: lint, then only the tests of the apps changed since HEAD (no browser).
quick: bootstrap lint
	@scripts/quick.sh $(PYTEST_ARGS)

suite:
	$(BIN)/pytest -p no:cacheprovider -n 2 $(PYTEST_ARGS)

clean:
	rm -rf .venv var test-artifacts

# Not part of `make test`: generates a province (SQLite, then PostgreSQL), times every query
# against hand-written SQL, then the pages over HTTP (benchmarks/http_load.py); see docs/benchmarks.md.
# BENCH_ARGS="--scale city" for a quick run without HTTP.
BENCH_ARGS ?= --scale province --database both --http
.PHONY: bench
bench: bootstrap
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Not part of `make test`: generates a 100,000-row ledger and times its dry run, import and
# re-import on a fresh database; see docs/benchmarks.md (the import: 46 s on SQLite).
# BENCH_IMPORT_ARGS="--rows 2000" for a quick run.
BENCH_IMPORT_ARGS ?= --rows 100000 --database both
.PHONY: bench-import
bench-import: bootstrap
	$(BIN)/python benchmarks/ledger_import.py $(BENCH_IMPORT_ARGS)

# Not part of `make test`: a 100,000-row ledger uploaded on the import page (Django's test
# client) and imported by a `baton db_worker` beside it, its progress polled as the page
# does; checks every row and event is written once; see docs/benchmarks.md.
# BENCH_WORKER_ARGS="--kill" kills the worker midway and restarts it; "--rows 2000" is quick.
BENCH_WORKER_ARGS ?= --rows 100000
.PHONY: bench-worker
bench-worker: bootstrap
	$(BIN)/python benchmarks/ledger_worker.py $(BENCH_WORKER_ARGS)

# Not part of `make test`: gunicorn on loopback, driven by benchmarks/http_load.py; see docs/benchmarks.md.
# bench-http: the list, project and cockpit pages of a generated
# scale at 16 and 200 connections; HTTP_BENCH_ARGS="--scale city --duration 5" for a quick run.
# load: 200 signed-in users, 90 % reads / 10 % writes for 60 s on a fresh demo; exits 1 on any error.
HTTP_BENCH_ARGS ?= --scale province --database both
LOAD_ARGS ?= --database both
.PHONY: bench-http load
bench-http: bootstrap
	$(BIN)/python benchmarks/http_load.py bench $(HTTP_BENCH_ARGS)

load: bootstrap
	$(BIN)/python benchmarks/http_load.py load $(LOAD_ARGS)
