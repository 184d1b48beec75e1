#!/usr/bin/env bash
# `make lock`: regenerate requirements.lock from pyproject.toml.
# Installs [project].dependencies plus [project.optional-dependencies].test into a throwaway
# venv and writes its `pip freeze` (pip/setuptools and the project itself excluded).
set -euo pipefail
cd "$(dirname "$0")/.."

py=$(bash scripts/find-python.sh)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/thanhsen-lock.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$py" - pyproject.toml > "$tmp/requirements.in" <<'PY'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
for req in project.get("dependencies", []) + project.get("optional-dependencies", {}).get("test", []):
    print(req)
PY

echo "Tạo venv tạm / throwaway venv with $("$py" -V 2>&1); installing:"
sed 's/^/  /' "$tmp/requirements.in"
"$py" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --upgrade pip
"$tmp/venv/bin/python" -m pip install --quiet -r "$tmp/requirements.in"
"$tmp/venv/bin/python" -m pip check

name=$("$py" -c 'import sys, tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["name"])')
"$tmp/venv/bin/python" -m pip freeze --exclude-editable --exclude "$name" \
    | grep -viE '^(pip|setuptools|wheel)==' > "$tmp/requirements.lock"
out=${LOCK_OUT:-requirements.lock}
mv "$tmp/requirements.lock" "$out"
echo "Đã ghi / wrote $out ($(wc -l < "$out") packages)"
