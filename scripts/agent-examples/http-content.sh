#!/bin/sh
# Agent check for `hapair agent`: "up" when URL answers 2xx and its body contains TEXT, else "down # why".
# Seed 000's `curl -s 10.200.60.42 | grep "test me"` rewritten safely: bounded time, quoted arguments, no
# shell evaluation of the page, a reason on failure.
# usage: hapair agent --port 3333 -- /usr/local/lib/hapair/agent-examples/http-content.sh URL TEXT [MAX_SECONDS]
set -u
url=${1:?usage: http-content.sh URL TEXT [MAX_SECONDS]}
text=${2:?usage: http-content.sh URL TEXT [MAX_SECONDS]}
max=${3:-1}
body=$(curl --silent --show-error --fail --max-time "$max" --max-filesize 1048576 -- "$url" 2>&1) || {
  reason=$(printf '%s' "$body" | head -n 1 | tr -d '\r' | cut -c 1-120)
  echo "down # ${reason:-request failed}"
  exit 0
}
if printf '%s' "$body" | grep -F -q -- "$text"; then
  echo "up"
else
  echo "down # content check failed"
fi
