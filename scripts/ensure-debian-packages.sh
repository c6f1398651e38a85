#!/usr/bin/env bash
# Programs the tests drive, from Debian's own packages (no download at test time):
#   scripts/ensure-debian-packages.sh <program path> <package>...
# e.g. Chromium for the browser tests, nginx for the scale-out test (deploy/nginx.conf).
# Installs only when the program is missing.
set -euo pipefail

program="$1"
shift
if [[ -x "$program" ]]; then
  exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-debian-packages: $program is missing; run as root, or: sudo apt-get install -y $*" >&2
  # Outside CI the tests that need it then skip (and say why); in CI they are mandatory.
  [[ "${REQUIRE_SERVICES:-}" == "1" ]] && exit 1
  exit 0
fi
echo "ensure-debian-packages: installing $*"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
[[ -x "$program" ]] && echo "ensure-debian-packages: $program installed"
