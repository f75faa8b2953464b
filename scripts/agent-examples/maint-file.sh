#!/bin/sh
# Agent check for `hapair agent`: "maint" while a maintenance file exists (its first line is the reason shown on
# the stats page), otherwise "ready". Deploy tools touch/remove the file instead of calling the load balancer.
# Note: "ready" clears forced maintenance/drain (as haproxy does), also one set from the stats page.
# usage: hapair agent --port 3333 -- /usr/local/lib/hapair/agent-examples/maint-file.sh [/etc/hapair/maint]
set -u
file=${1:-/etc/hapair/maint}
if [ -e "$file" ]; then
  reason=$(head -n 1 -- "$file" 2>/dev/null | tr -d '\r#' | cut -c 1-120)
  echo "maint # ${reason:-maintenance file present}"
else
  echo "ready"
fi
