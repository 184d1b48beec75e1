#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if any is missing and we may.
#   scripts/os-packages.sh [--strict] [extra packages...]
# Without --strict, a machine where we cannot install (not root and no passwordless sudo,
# no apt-get, no network) gets a notice and exit 0: the tests needing them skip with a notice.
# With --strict (used by .ci/run), failing to install is an error.
# NO_APT=1 skips all of this.
set -uo pipefail

strict=0
if [ "${1:-}" = "--strict" ]; then strict=1; shift; fi

PACKAGES=(poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
          fonts-dejavu-core fonts-noto-core chromium "$@")

give_up() {
    echo "Lưu ý / notice: $1" >&2
    echo "  Thiếu gói / missing packages: ${missing[*]}" >&2
    echo "  Tests that need them will be skipped. Install them with:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    [ "$strict" = 1 ] && exit 1
    exit 0
}

if [ "${NO_APT:-}" = 1 ]; then exit 0; fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null 2>&1 || give_up "apt-get not found; cannot install system packages."

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    give_up "not root and no passwordless sudo; not installing system packages."
fi

echo "Cài gói hệ thống / installing Debian packages: ${missing[*]}"
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
"${apt[@]}" -qq update </dev/null || give_up "apt-get update failed."
"${apt[@]}" -y -qq --no-install-recommends install "${missing[@]}" </dev/null ||
    give_up "apt-get install failed."
