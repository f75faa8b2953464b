-- wrk script for proxy.mjs --timeline: responses completed per 5 ms window over a run, summarised in one line.
-- Shows what the p99 of a closed-loop run is made of: a slow start (JIT re-optimising after another workload) and
-- loop-wide stalls (GC, VM), both of which delay every in-flight request at once. Runs with -t1 only.
-- The response() callback makes wrk parse every response into Lua: this pass is never the measured one.
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } hapair_timespec; int clock_gettime(int, hapair_timespec *); ]]
local now = ffi.new("hapair_timespec")
local function ms() ffi.C.clock_gettime(1, now); return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6 end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

windows = {}
local first
response = function()
  local t = ms()
  first = first or t
  local w = math.floor((t - first) / 5)
  windows[w] = (windows[w] or 0) + 1
end

done = function(summary)
  local w = threads[1]:get("windows")
  local last = 0
  for k in pairs(w) do if k > last then last = k end end
  local counts, sorted = {}, {}
  for k = 0, last do counts[k + 1] = w[k] or 0; sorted[k + 1] = w[k] or 0 end
  table.sort(sorted)
  local median = sorted[math.floor(#sorted / 2) + 1] or 0
  local dips, start = 0, 0
  for i, c in ipairs(counts) do if c < median * 0.4 then dips = dips + 1 end end
  for i = 1, math.min(20, #counts) do start = start + counts[i] end
  io.write(string.format("timeline windows=%d median5ms=%d first100ms=%.2f dips=%d seconds=%.1f\n",
    #counts, median, start / math.max(1, median * math.min(20, #counts)), dips, #counts * 0.005))
end
