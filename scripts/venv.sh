#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install requirements.lock into it.
# Re-installs only when requirements.lock changed since the last successful install
# (its SHA-256 is kept in .venv/.requirements.lock.sha256).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
LOCK=requirements.lock
STAMP=$VENV/.requirements.lock.sha256

venv_ok() {
    [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1
}

if ! venv_ok; then
    py=$(bash scripts/find-python.sh)
    if [ -e "$VENV" ]; then
        echo "$VENV hỏng hoặc Python cũ / is broken or too old: recreating it with $py"
        rm -rf "$VENV"
    else
        echo "Tạo / creating $VENV with $py ($("$py" -V 2>&1))"
    fi
    if ! "$py" -m venv "$VENV"; then
        rm -rf "$VENV"
        echo "Không tạo được venv / could not create the venv: on Debian/Ubuntu install python3.12-venv" >&2
        exit 1
    fi
fi

want=$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$LOCK")
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$want" = "$have" ]; then
    exit 0
fi

echo "Cài thư viện / installing $LOCK into $VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip ||
    echo "Lưu ý / notice: could not upgrade pip; going on with $("$VENV/bin/python" -m pip --version)"
"$VENV/bin/python" -m pip install --quiet -r "$LOCK"
# The project itself is not installed: it runs from this folder (manage.py, pytest rootdir),
# and pyproject.toml has no [build-system] for an editable install.
echo "$want" > "$STAMP"
