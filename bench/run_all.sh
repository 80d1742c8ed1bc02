#!/usr/bin/env bash
# Run every benchmark script bench/*.py with small defaults and print their figures.
#
#   bash bench/run_all.sh                 every script, BENCH_SIZE=small
#   BENCH_SIZE=full bash bench/run_all.sh  the sizes quoted in bench/README.md
#   bash bench/run_all.sh bench/bookings_conflicts.py   only the scripts named
#
# Each script gets its own freshly migrated SQLite database (a copy of one migrated template), so no benchmark
# touches db.sqlite3 or sees another's rows. Set BENCH_DATABASE_URL to run them all against another database
# (e.g. an empty PostgreSQL one) instead. Each script runs at most BENCH_TIMEOUT seconds (default 600).
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export BENCH_SIZE=${BENCH_SIZE:-small}
export DJANGO_SETTINGS_MODULE=plek.settings
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$(pwd)
export PLEK_NO_RATE_LIMITS=1
timeout_s=${BENCH_TIMEOUT:-600}

if [ $# -gt 0 ]; then scripts=("$@"); else scripts=(bench/*.py); fi
if [ ! -e "${scripts[0]}" ]; then echo "No benchmark scripts in bench/."; exit 0; fi

work=$(mktemp -d /tmp/plek-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  echo "=== migrating a template database ==="
  DATABASE_URL="sqlite:///$work/template.sqlite3" $PY manage.py migrate --noinput -v0 || { echo "migrate failed"; exit 1; }
fi

failed=()
for script in "${scripts[@]}"; do
  name=$(basename "$script" .py)
  case "$name" in _*) continue ;; esac  # helpers
  if [ -n "${BENCH_DATABASE_URL:-}" ]; then
    url=$BENCH_DATABASE_URL
  else
    cp "$work/template.sqlite3" "$work/$name.sqlite3"
    url="sqlite:///$work/$name.sqlite3"
  fi
  echo
  echo "=== $script (BENCH_SIZE=$BENCH_SIZE) ==="
  start=$(date +%s)
  DATABASE_URL=$url timeout "$timeout_s" $PY "$script"
  rc=$?
  echo "--- $script: exit $rc in $(( $(date +%s) - start )) s"
  [ $rc -eq 0 ] || failed+=("$script (exit $rc)")
done

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "Benchmarks FAILED: ${failed[*]}"
  exit 1
fi
echo "Benchmarks: all ran."
