-- wrk script: hostile bodies for POST /v1/events, cycling through kinds (HOSTILE_KIND picks one):
--   oversize  a JSON array of 1 MiB (the limit is 64 KiB: answered 413)
--   nested    arrays nested 30,000 deep in 60 KB (Jackson's nesting limit answers 400)
--   longstr   a valid-looking event whose version is a 60 KB string
--   invalid   100 events, each wrong in another field
--   binary    60 KB of bytes that are not UTF-8
-- Counts answers by status class; prints "RESULT ... 2xx=.. 4xx=.. 5xx=.. other=.." at the end.
local kinds = {"oversize", "nested", "longstr", "invalid", "binary"}
local only = os.getenv("HOSTILE_KIND")
local threads = {}
s2, s4, s5, so = 0, 0, 0, 0
local n = 0

function setup(thread)
  table.insert(threads, thread)
end

local stamp = os.date("!%Y-%m-%dT%H:00:00Z")
local function event(version, extra)
  return '{"event":"scan.completed","version":"' .. version .. '","platform":"Linux","runtime":"java-17",'
    .. '"anonymous_id":"a7f3c8e2-4b1d-4f9e-8c3a-2d5e7f9b1a3c","timestamp":"' .. stamp .. '",'
    .. '"metadata":{"mode":"cli","profile":"balanced","duration_bucket":"5-15min","tools_succeeded":8,'
    .. '"tools_failed":0,"total_findings_bucket":"10-100"' .. (extra or "") .. '}}'
end

local bodies = {}
bodies.oversize = "[" .. string.rep(event("0.7.0") .. ",", math.floor(1048576 / 300)) .. event("0.7.0") .. "]"
bodies.nested = string.rep("[", 30000) .. string.rep("]", 30000)
bodies.longstr = "[" .. event(string.rep("9", 60000)) .. "]"
local wrong = {}
for i = 1, 100 do
  wrong[i] = event("0.7.0", ',"field_' .. i .. '":"/home/alice/project-' .. i .. '"')
end
bodies.invalid = "[" .. table.concat(wrong, ",") .. "]"
local bin = {}
for i = 1, 60000 do
  bin[i] = string.char(128 + (i * 7919) % 128)
end
bodies.binary = table.concat(bin)

function request()
  n = n + 1
  local kind = only or kinds[(n % #kinds) + 1]
  return wrk.format("POST", "/v1/events", {["Content-Type"] = "application/json"}, bodies[kind])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then s2 = s2 + 1
  elseif status >= 400 and status < 500 then s4 = s4 + 1
  elseif status >= 500 then s5 = s5 + 1
  else so = so + 1 end
end

function done(summary, latency, requests)
  local a, b, c, d = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("s2"); b = b + t:get("s4"); c = c + t:get("s5"); d = d + t:get("so")
  end
  io.write(string.format("RESULT requests=%d 2xx=%d 4xx=%d 5xx=%d other=%d connect_errors=%d read_errors=%d\n",
    summary.requests, a, b, c, d, summary.errors.connect, summary.errors.read))
end
