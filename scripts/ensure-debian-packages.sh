#!/usr/bin/env bash
# Headless Chromium for the browser tests (tests/browser), from Debian's own packages:
# no browser download at test time. Installs only when /usr/bin/chromium is missing.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-chromium: /usr/bin/chromium is missing; run as root, or: sudo apt-get install -y chromium chromium-driver" >&2
  # Outside CI the browser tests then skip (and say why); in CI they are mandatory.
  [[ "${REQUIRE_SERVICES:-}" == "1" ]] && exit 1
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
