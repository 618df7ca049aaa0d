-- wrk script for bench/receiver_load.py: one phase of GET /health or of valid
-- POST /webmention (a new source on every request, so none is a duplicate).
-- Arguments after "--": route ("health" or "webmention"), target URL, tag.
-- Prints one line "RESULT {json}" that the bench reads.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  route = args[1]
  target = args[2]
  tag = args[3]
  sent = 0
  accepted = 0
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  health = wrk.format("GET", "/health")
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function request()
  if route == "health" then
    return health
  end
  sent = sent + 1
  local source = string.format(
    "https://s%d.example/%s/%d/%d", sent % 50, tag, id, sent)
  local body = "source=" .. encode(source) .. "&target=" .. encode(target)
  return wrk.format("POST", "/webmention", headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    accepted = accepted + 1
  end
end

function done(summary, latency, requests)
  local ok = 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("accepted")
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p99_us": %d, "p50_us": %d, '
      .. '"ok": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(99.0),
    latency:percentile(50.0), ok,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
