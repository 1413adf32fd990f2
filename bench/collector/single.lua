-- wrk script: one scan.completed event per POST /v1/events ... or POST / (set WRK_PATH), each with a
-- unique event_id (UUID v7 layout: the hour in the first 48 bits, as the client makes them).
local counter = 0
tid = 0
acks = 0
others = 0
local threads = {}
local path = os.getenv("WRK_PATH") or "/v1/events"
local hour_ms = math.floor(os.time() / 3600) * 3600 * 1000
local hi = string.format("%08x-%04x", math.floor(hour_ms / 65536), hour_ms % 65536)
local stamp = os.date("!%Y-%m-%dT%H:%M:%SZ")

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
end

local function event_id()
  counter = counter + 1
  return string.format("%s-7%03x-%04x-%04x%08x", hi, tid % 4096, 32768 + math.random(0, 16383),
    math.random(0, 65535), counter)
end

local function anon()
  return string.format("%08x-%04x-4%03x-%04x-%012x", math.random(0, 2^31), math.random(0, 65535),
    math.random(0, 4095), 32768 + math.random(0, 16383), math.random(0, 2^40))
end

function event()
  return '{"event":"scan.completed","version":"0.7.0","platform":"Linux","runtime":"java-17","anonymous_id":"'
    .. anon() .. '","event_id":"' .. event_id() .. '","timestamp":"' .. stamp
    .. '","metadata":{"mode":"cli","profile":"balanced","duration_bucket":"5-15min","tools_succeeded":8,'
    .. '"tools_failed":0,"total_findings_bucket":"10-100"}}'
end

local batch = tonumber(os.getenv("WRK_BATCH") or "1")

function request()
  local body
  if path == "/v1/events" then
    local parts = {}
    for i = 1, batch do
      parts[i] = event()
    end
    body = "[" .. table.concat(parts, ",") .. "]"
  else
    body = event()
  end
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 200 then
    acks = acks + 1
  else
    others = others + 1
  end
end

-- WRK_DELAY_MS: pause per connection between requests, for a fixed offered rate.
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local total_acks, total_others = 0, 0
  for _, t in ipairs(threads) do
    total_acks = total_acks + t:get("acks")
    total_others = total_others + t:get("others")
  end
  io.write(string.format("RESULT acks=%d non200=%d events_per_ack=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f requests=%d\n",
    total_acks, total_others, batch, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests))
end
