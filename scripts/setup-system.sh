#!/usr/bin/env bash
# Debian packages the test suite uses, named on the command line (`make setup` passes them: chromium, for
# rendering report.html, and redis-server, for the distributed crawl tests): runs
# `apt-get update` and installs those not installed yet; does nothing when all are.
# Where apt-get is missing, or neither root nor sudo is at hand, it says so and leaves the tests that need
# the packages to skip themselves with a message.
set -euo pipefail
need=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: no apt-get here; not installed: ${need[*]} (the tests needing them will be skipped)" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup-system: not root and no sudo; not installed: ${need[*]} (the tests needing them will be skipped)" >&2
  exit 0
fi
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
