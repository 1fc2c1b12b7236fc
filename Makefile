# Everything installs itself into .venv on first use; a fresh machine needs only
# python3 (3.11+), pip, make and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo run test test-pg lint bench format clean

# Debian's python3 may come without the venv module; install it (as root) when missing.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)  ## chat with the bot in this terminal; no token, no network
	$(BIN)/hamdeli demo $(ARGS)

run: $(STAMP)  ## run against Telegram or Bale: BOT_TOKEN=... make run
	$(BIN)/hamdeli run

test: $(STAMP)
	$(BIN)/pytest -q

# The whole suite again, on PostgreSQL: HAMDELI_TEST_BACKEND=postgres gives every test that
# asks for a database (tests/databases.py) one of its own on a throwaway cluster that
# tests/pg.py starts and deletes, and runs the tests marked `pg`; tests marked
# `sqlite_only` (their names say why) are skipped. PostgreSQL comes from Debian's package
# (as root) when initdb is neither on PATH nor in /usr/lib/postgresql/<version>/bin;
# asyncpg is a dependency, so $(STAMP) has it. HAMDELI_TEST_PG=1 turns "PostgreSQL
# missing" from a skip into a failure.
POSTGRES_SERVER = command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

test-pg: $(STAMP)
	@$(POSTGRES_SERVER)
	HAMDELI_TEST_PG=1 HAMDELI_TEST_BACKEND=postgres $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format bot tests bench
	$(BIN)/ruff check --fix bot tests bench

# The store benches (browse, pledges, status lookup) measure SQLite and PostgreSQL side by
# side on a throwaway cluster (bench/backends.py); `make bench BENCH_BACKEND=sqlite` (or
# postgres) measures one.
BENCH_BACKEND ?= both

bench: $(STAMP)
	@[ "$(BENCH_BACKEND)" = sqlite ] || { $(POSTGRES_SERVER); }
	$(BIN)/python bench/run.py
	$(BIN)/python bench/webhook.py
	$(BIN)/python bench/workers.py
	$(BIN)/python bench/browse_query.py --backend $(BENCH_BACKEND)
	$(BIN)/python bench/pledges.py --backend $(BENCH_BACKEND)
	$(BIN)/python bench/payments.py
	$(BIN)/python bench/import_beneficiaries.py
	$(BIN)/python bench/status_lookup.py --backend $(BENCH_BACKEND)
	$(BIN)/python bench/broadcast.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
