#!/usr/bin/env bash
# Run the whole suite on SQLite, then on PostgreSQL when DATABASE_URL points at one or a server answers on
# 127.0.0.1:5432. Prints which databases it ran on; fails if any run fails.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ran=()
failed=0

run() {
  local label=$1
  echo "=== plek tests on $label ==="
  $PY -m pytest -q -rfEs -n "${PYTEST_WORKERS:-2}" "${@:2}"
  local rc=$?
  local why=""
  [ $rc -eq 5 ] && why=", no tests collected"
  if [ $rc -ne 0 ]; then failed=1; ran+=("$label: FAILED (exit $rc$why)"); else ran+=("$label: passed"); fi
}

# Static checks first: lint, formatting, migrations in step with the models.
echo "=== ruff ==="
.venv/bin/ruff check . && .venv/bin/ruff format --check . || failed=1
echo "=== migrations ==="
env -u DATABASE_URL $PY manage.py makemigrations --check --dry-run >/dev/null || { echo "Missing migrations."; failed=1; }

pg_url=""
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*|postgis://*) pg_url=$DATABASE_URL ;;
  *) if $PY - <<'PYEOF'
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", 5432))
except OSError:
    sys.exit(1)
PYEOF
      then pg_url="postgres://postgres@127.0.0.1:5432/plek"; fi ;;
esac

saved_url=${DATABASE_URL:-}
unset DATABASE_URL
run sqlite "$@"
if [ -n "$pg_url" ]; then
  export DATABASE_URL=$pg_url
  run "postgresql ($pg_url)" "$@"
else
  ran+=("postgresql: NOT RUN (no DATABASE_URL and nothing on 127.0.0.1:5432)")
fi
if [ -n "$saved_url" ]; then export DATABASE_URL=$saved_url; fi

echo
echo "=== databases ==="
printf '  %s\n' "${ran[@]}"
if [ $failed -ne 0 ]; then echo "plek tests: FAILED"; exit 1; fi
echo "plek tests: all passed"
