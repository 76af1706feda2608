#!/usr/bin/env bash
# Install the system packages eduscrape needs, when missing.
#   scripts/system-deps.sh demo   -> python3-venv, chromium (JS-rendered demo pages)
#   scripts/system-deps.sh test   -> the same plus redis-server
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail
want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }

python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || want+=(python3-venv)
need chromium chromium
if [ "${1:-demo}" = "test" ]; then
  need redis-server redis-server
fi
[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
else
  echo "missing system packages: ${want[*]}" >&2
  echo "install them with: sudo apt-get install -y ${want[*]}" >&2
  exit 1
fi
