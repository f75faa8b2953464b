#!/bin/sh
# Agent check for `hapair agent`: reports a weight percentage from the 1-minute load average, so haproxy sends
# fewer new connections to a busy server ("N%" of its configured weight; never below MIN percent).
# usage: hapair agent --port 3333 -- /usr/local/lib/hapair/agent-examples/load-weight.sh [MIN_PERCENT]
set -u
min=${1:-10}
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
load=$(cut -d ' ' -f 1 /proc/loadavg)
# idle share of the machine, in percent: 100 - load*100/cpus, clamped to [min, 100]
pct=$(awk -v l="$load" -v c="$cpus" -v m="$min" 'BEGIN { p = int(100 - l * 100 / c); if (p < m) p = m; if (p > 100) p = 100; print p }')
echo "${pct}%"
