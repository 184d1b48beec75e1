#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter, or explain what to install and exit 1.
# Order: $PYTHON, then python3.13 / python3.12 / python3 on PATH, then pyenv's 3.12/3.13.
# Every candidate is actually run: pyenv shims such as `python3.12` exist on PATH but fail
# unless PYENV_VERSION is set.
set -uo pipefail

check='import sys; assert sys.version_info >= (3, 12)'

try() {
    local cand=$1 path
    path=$(command -v -- "$cand" 2>/dev/null) || return 1
    "$path" -c "$check" >/dev/null 2>&1 || return 1
    # Resolve a shim or wrapper to the real interpreter so .venv does not depend on it.
    "$path" -c 'import sys; print(sys.executable)' 2>/dev/null || return 1
}

if [ -n "${PYTHON:-}" ]; then
    if try "$PYTHON"; then exit 0; fi
    echo "PYTHON=$PYTHON không chạy được hoặc cũ hơn 3.12 / is not a working Python >= 3.12; trying others." >&2
fi

for cand in python3.13 python3.12 python3; do
    try "$cand" && exit 0
done

if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root 2>/dev/null || true)
    if [ -n "$root" ]; then
        # 3.12 first: the version the lock file and the Docker image are tested with.
        for cand in "$root"/versions/3.1[23]*/bin/python; do
            try "$cand" && exit 0
        done
    fi
fi

cat >&2 <<'MSG'
Cần Python ≥ 3.12 / Python ≥ 3.12 is required, but none was found.
  Debian/Ubuntu:  sudo apt install python3.12 python3.12-venv
  pyenv:          pyenv install 3.12
  or point at one: make venv PYTHON=/path/to/python3.12
MSG
exit 1
