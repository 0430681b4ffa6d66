#!/usr/bin/env bash
# System packages the test suite uses, from Debian; skips what is already installed.
# Nothing is needed yet beyond Python; later issues add redis-server, scrapyd and chromium here.
set -euo pipefail
need=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${need[@]}"
fi
