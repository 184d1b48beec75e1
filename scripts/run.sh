#!/usr/bin/env bash
# `make run`: prepare the database and serve the app on http://$BIND (default 127.0.0.1:8000).
#   Without REDIS_URL: runserver; Celery tasks run in-process (eager), the beat schedule by
#                      `manage.py run_periodic`; SQLite unless DATABASE_URL.
#   With REDIS_URL:    gunicorn, plus a Celery worker and beat in the background.
# DEBUG=1, which installs the development tools (devtools): demo data and accounts, the
# simulated payment gateway, and the simulated outside systems (run_simulators) in the background.
# Background processes are stopped when this script exits (Ctrl-C included).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
BIND=${BIND:-127.0.0.1:8000}
export DEBUG=1 DEVTOOLS=1
manage() { "$PY" manage.py "$@"; }

pids=()
cleanup() {
    trap - EXIT INT TERM
    if [ ${#pids[@]} -gt 0 ]; then
        echo "Dừng tiến trình nền / stopping background processes: ${pids[*]}"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        # A Celery worker needs a few seconds to stop; don't wait forever.
        for _ in $(seq 1 20); do
            alive=0
            for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ $alive = 0 ] && break
            sleep 0.5
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
        wait 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

background() {  # background NAME CMD...
    local name=$1; shift
    "$@" &
    pids+=($!)
    echo "Đã chạy nền / started $name (pid $!)"
}

manage migrate --noinput
manage collectstatic --noinput -v0
if [ -d locale ] && command -v msgfmt >/dev/null 2>&1; then
    manage compilemessages -v0 --ignore=.venv
fi
manage seed_demo --base-url "http://$BIND"
manage signing_dev_keys

# The simulated outside systems on one port: the national portal under /portal/, the agencies
# under /agencies/ (AGENCY_BASE_URL's default), the civil-status registry under /civil-status/,
# the land office under /land/ and the tax authority under /tax/. An operator's *_BASE_URL
# (even empty) wins.
background "simulators" "$PY" manage.py run_simulators
export PORTAL_BASE_URL=${PORTAL_BASE_URL-http://127.0.0.1:8765/portal}
export CIVIL_STATUS_BASE_URL=${CIVIL_STATUS_BASE_URL-http://127.0.0.1:8765/civil-status}
export LAND_BASE_URL=${LAND_BASE_URL-http://127.0.0.1:8765/land}
export TAX_BASE_URL=${TAX_BASE_URL-http://127.0.0.1:8765/tax}

echo
if [ -n "${REDIS_URL:-}" ]; then
    background "celery worker" "$BIN/celery" -A thanhsen worker -l info
    background "celery beat" "$BIN/celery" -A thanhsen beat -l info \
        -s "${CELERYBEAT_SCHEDULE:-.venv/celerybeat-schedule}"
    echo "Phục vụ tại / serving on http://$BIND (gunicorn, Celery via $REDIS_URL)"
    "$BIN/gunicorn" thanhsen.wsgi -b "$BIND" -w "${WEB_CONCURRENCY:-2}"
else
    background "periodic tasks" "$PY" manage.py run_periodic
    echo "Phục vụ tại / serving on http://$BIND (runserver, Celery tasks in-process)"
    manage runserver "$BIND"
fi
