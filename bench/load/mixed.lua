-- One kind of request of the mixed load test, for one wrk process (bench/load.py runs one per kind, at once).
-- bench/load.py writes the parameters above this code:
--   kind     the kind's name, for the result
--   method   "GET" or "PUT"
--   paths    the paths to request, one picked at random for each request
--   headers  the headers of every request (the token or the session cookie)
--   write    true for the indicator submissions: each request sends a new value (a new version, 201) and its
--            own Idempotency-Key
--   run_id   a word unique to this run, in the idempotency keys
-- done() prints one line, LOAD_RESULT {json}: the counts by status class and the latency percentiles (us).

local threads = {}
local counters = { "n2xx", "n201", "n3xx", "n4xx", "n5xx" }

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(tid * 7919 + os.time())
  sent, n2xx, n201, n3xx, n4xx, n5xx = 0, 0, 0, 0, 0, 0
  first_bad = ""
end

function request()
  sent = sent + 1
  local path = paths[math.random(#paths)]
  if not write then
    return wrk.format(method, path, headers)
  end
  local h = {}
  for name, value in pairs(headers) do
    h[name] = value
  end
  h["Idempotency-Key"] = string.format("load-%s-%d-%d", run_id, tid, sent)
  -- Unique to the thread and the request, so never equal to the current value ("unchanged", 200).
  local body = string.format('{"value": "%d.%02d"}', 1000000 + tid * 100000000 + sent, sent % 100)
  return wrk.format(method, path, h, body)
end

function response(status, headers, body)
  if status >= 500 then
    n5xx = n5xx + 1
  elseif status >= 400 then
    n4xx = n4xx + 1
  elseif status >= 300 then
    n3xx = n3xx + 1
  else
    n2xx = n2xx + 1
    if status == 201 then
      n201 = n201 + 1
    end
  end
  if status >= 300 and first_bad == "" then
    first_bad = status .. " " .. string.sub(body or "", 1, 300)
  end
end

local function quoted(text)
  return '"' .. string.gsub(text, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local totals = { n2xx = 0, n201 = 0, n3xx = 0, n4xx = 0, n5xx = 0 }
  local bad = ""
  for _, thread in ipairs(threads) do
    for _, name in ipairs(counters) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
    if bad == "" then
      bad = thread:get("first_bad") or ""
    end
  end
  local errors = summary.errors
  io.write(
    "LOAD_RESULT {"
      .. string.format('"kind": %s, "requests": %d, "duration_us": %d, ', quoted(kind), summary.requests, summary.duration)
      .. string.format(
        '"n2xx": %d, "n201": %d, "n3xx": %d, "n4xx": %d, "n5xx": %d, ',
        totals.n2xx,
        totals.n201,
        totals.n3xx,
        totals.n4xx,
        totals.n5xx
      )
      .. string.format(
        '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ',
        errors.connect,
        errors.read,
        errors.write,
        errors.status,
        errors.timeout
      )
      .. string.format(
        '"mean_us": %.0f, "max_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, ',
        latency.mean,
        latency.max,
        latency:percentile(50),
        latency:percentile(90),
        latency:percentile(95),
        latency:percentile(99)
      )
      .. '"first_bad": '
      .. quoted(bad)
      .. "}\n"
  )
end
