-- wrk script for benchmarks/portal_throughput.py: POSTs DongBoHoSoMC messages, each a distinct
-- dossier, checks every answer, and prints one machine-readable summary line at the end.
--
-- Settings come from the environment (wrk evaluates this file in every Lua state it makes, so
-- top-level code sees them everywhere, which `init(args)` would not give `delay`):
--   PORTALSIM_WRK_BODY   file holding the JSON body, with @@MAHOSO@@ where the dossier code goes
--   PORTALSIM_WRK_FIRST  number of the first dossier of this run (runs against one database
--                        must not overlap: every request creates a new dossier)
--   PORTALSIM_WRK_RATE   requests per second for the whole run; 0 or unset: as fast as possible
--
-- Dossier n is 000.XX.YY.H56-260302-NNNN with NNNN = n mod 10^4, YY = n / 10^4 mod 100 and
-- XX = n / 10^6 mod 100: unique for 10^8 requests, within 000.00.00.H56's tree, and its YYMMDD
-- agrees with the template's NgayTiepNhan (20260302083015).
--
-- An answer counts as ok when it is HTTP 200 with "error_code": 0 (the first key, as both the
-- portal and the bare endpoint write it). The last line of wrk's output is
--   portalsim-wrk {"requests":…,"duration_us":…,"ok":…,"bad":…,"sent":…,"p50_us":…,…}
-- where "requests" are the answers wrk read and "sent" the requests the script built: wrk 4.1
-- builds one on thread 1 before the run to check the script and never sends it, so sent - 1 -
-- requests were cut off in flight when the run ended.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } portalsim_timespec;
int clock_gettime(int clock_id, portalsim_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("portalsim_timespec")

local function now_ms()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
   return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local function read_file(path)
   local handle = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
   local text = handle:read("*a")
   handle:close()
   return text
end

local template = read_file(os.getenv("PORTALSIM_WRK_BODY"))
local marker = "@@MAHOSO@@"
local cut = assert(string.find(template, marker, 1, true), "no " .. marker .. " in the body")
local prefix = string.sub(template, 1, cut - 1)
local suffix = string.sub(template, cut + #marker)
local floor = math.floor

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

-- per thread (each thread has its own Lua state); read back in done() with thread:get()
next_dossier = tonumber(os.getenv("PORTALSIM_WRK_FIRST") or "0")
first_dossier = next_dossier
ok = 0
bad = 0
sample = nil

function request()
   local n = next_dossier
   next_dossier = n + 1
   local code = string.format(
      "000.%02d.%02d.H56-260302-%04d", floor(n / 1000000) % 100, floor(n / 10000) % 100, n % 10000
   )
   return wrk.format(nil, nil, nil, prefix .. code .. suffix)
end

function response(status, headers, body)
   local head = string.sub(body, 1, 16)
   if status == 200 and (head == '{"error_code":0,' or head == '{"error_code":0}') then
      ok = ok + 1
   else
      bad = bad + 1
      if sample == nil then
         sample = status .. " " .. string.sub(body, 1, 300)
      end
   end
end

local rate = tonumber(os.getenv("PORTALSIM_WRK_RATE") or "0")
if rate > 0 then
   -- One schedule for the thread: request k is due at start + k / rate, whichever connection
   -- is free sends it. A late request goes at once, so the average rate holds.
   local interval = 1000 / rate
   local start = nil
   local slot = 0
   function delay()
      local now = now_ms()
      if start == nil then
         start = now
      end
      local due = start + slot * interval
      slot = slot + 1
      if due <= now then
         return 0
      end
      return floor(due - now + 0.5)
   end
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local function json_string(text)
   if text == nil then
      return "null"
   end
   local escaped = string.gsub(text, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. escaped .. '"'
end

function done(summary, latency, requests)
   local total_ok, total_bad, sent, first_sample = 0, 0, 0, nil
   for _, thread in ipairs(threads) do
      total_ok = total_ok + thread:get("ok")
      total_bad = total_bad + thread:get("bad")
      sent = sent + thread:get("next_dossier") - thread:get("first_dossier")
      first_sample = first_sample or thread:get("sample")
   end
   local errors = summary.errors
   io.write(string.format(
      'portalsim-wrk {"requests":%d,"duration_us":%d,"ok":%d,"bad":%d,"sent":%d,'
         .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"socket_errors":%d,'
         .. '"sample":%s}\n',
      summary.requests, summary.duration, total_ok, total_bad, sent,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      errors.connect + errors.read + errors.write + errors.timeout,
      json_string(first_sample)
   ))
end
