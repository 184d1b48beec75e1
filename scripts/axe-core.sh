#!/usr/bin/env bash
# Install axe-core (the accessibility engine the browser tests run in each page) outside the
# repository, with npm, if it is not there yet:
#   scripts/axe-core.sh [--strict]
# Where: $AXE_CORE_DIR (default ~/.cache/thanhsen/axe-core); the tests read
# $AXE_CORE_DIR/node_modules/axe-core/axe.min.js. Without npm or the registry the script says
# so and exits 0 (the accessibility test then skips with a notice, or fails under
# REQUIRE_SERVICES=1); with --strict (CI) that is an error.
set -uo pipefail

VERSION=4.11.4
DIR=${AXE_CORE_DIR:-$HOME/.cache/thanhsen/axe-core}
strict=0
[ "${1:-}" = "--strict" ] && strict=1

[ -f "$DIR/node_modules/axe-core/axe.min.js" ] && exit 0
give_up() {
    echo "Lưu ý / notice: $1; the accessibility test will skip." >&2
    [ "$strict" = 1 ] && exit 1
    exit 0
}
command -v npm >/dev/null 2>&1 || give_up "npm not found (apt-get install npm)"
mkdir -p "$DIR"
npm install --prefix "$DIR" --no-audit --no-fund --no-save "axe-core@$VERSION" >/dev/null \
    || give_up "npm could not install axe-core@$VERSION"
echo "axe-core $VERSION in $DIR"
