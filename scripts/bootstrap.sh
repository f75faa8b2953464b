#!/usr/bin/env bash
# Installs what hapair's demo, tests and benchmarks need, only if missing: Debian packages (as root,
# with apt-get) and npm packages (npm ci when node_modules is absent or older than the lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

PKGS=(iproute2 iputils-arping iputils-ping keepalived haproxy nginx-light wrk tcpdump tshark
      socat psmisc procps curl chromium systemd ca-certificates)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "bootstrap: missing Debian packages (${missing[*]}); run as root on Debian/Ubuntu or install them" >&2
  else
    echo "bootstrap: installing ${missing[*]}" >&2
    apt-get update -qq </dev/null >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/tmp/hapair-apt.log 2>&1 \
      || { tail -20 /tmp/hapair-apt.log >&2; exit 1; }
  fi
fi

# Packaged daemons started by the package install must not hold ports/VIPs behind our back.
if [ -e /run/systemd/system ] && [ "$(id -u)" = 0 ]; then
  for svc in keepalived haproxy nginx; do systemctl stop "$svc" >/dev/null 2>&1 || true; done
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund </dev/null >&2
fi

# The in-process GARP sender (Node-API addon): npm ci builds it; rebuild when missing or older than its source.
native=src/vrrp/native/build/Release/hapair_packet.node
if [ ! -f "$native" ] || [ src/vrrp/native/packet.c -nt "$native" ]; then node scripts/build-native.mjs </dev/null; fi
