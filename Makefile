# plek: one task runner. `make demo` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
THREADS ?= 8
export PLEK_NO_RATE_LIMITS ?= 1

# The web server (granian: WORKERS processes, THREADS threads each) and, beside it, the background worker
# (allocation rounds, emails); stopping one stops both.
define SERVE_WITH_WORKER
@$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
  $(VENV)/bin/granian --interface wsgi plek.wsgi:application --host $(HOST) --port $(PORT) \
    --workers $(WORKERS) --blocking-threads $(THREADS) --no-ws --access-log
endef

.PHONY: demo serve worker static test test-sqlite test-postgres lint fmt messages translations bench venv clean

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "plek needs Python 3.11 or newer: PYTHON=python3.12 make ..."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

# Compile the translation catalogues (.po → .mo) with Babel, so that no system gettext is needed.
translations: venv
	@for lang in en fr nl; do \
	  $(VENV)/bin/pybabel compile -D django -d locale -l $$lang || exit 1; \
	done

# collectstatic (whitenoise compresses every file) only when a static file or the installed packages changed.
STATIC_MANIFEST := $(or $(STATIC_ROOT),staticfiles)/staticfiles.json
STATIC_SOURCES := $(shell find . -path ./.venv -prune -o -path ./staticfiles -prune -o -path ./node_modules -prune \
	-o -type f -path '*/static/*' -print 2>/dev/null)

$(STATIC_MANIFEST): $(VENV)/.installed $(STATIC_SOURCES)
	$(PY) manage.py collectstatic --noinput -v0
	@touch $@

static: $(STATIC_MANIFEST)

demo: venv translations static
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@$(PY) manage.py demo_accounts --host $(HOST) --port $(PORT)
	$(SERVE_WITH_WORKER)

serve: venv translations static
	$(SERVE_WITH_WORKER)

# The background worker (allocation rounds' solver): django-tasks' database worker.
worker: venv
	$(PY) manage.py db_worker

test: venv translations
	@bash scripts/test.sh

# One database only (no lint); extra pytest arguments in ARGS, e.g. make test-sqlite ARGS="tests/spaces".
test-sqlite: venv translations
	env -u DATABASE_URL $(PY) -m pytest -q -n $${PYTEST_WORKERS:-2} $(ARGS)

test-postgres: venv translations
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/plek} $(PY) -m pytest -q -n $${PYTEST_WORKERS:-2} $(ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the catalogues from the source (needs GNU gettext's xgettext: apt-get install gettext).
messages: venv
	$(PY) manage.py makemessages -l en -l fr -l nl --no-obsolete --add-location file -i ".venv/*" -i "bench/*" -i "tests/*"
	$(PY) scripts/po.py fill-en
	$(PY) scripts/po.py drop-fuzzy

bench: venv
	@bash bench/run_all.sh

clean:
	rm -rf $(VENV) staticfiles
