-- wrk script of the 1 March peak (tests/bench/peak.sh): one wrk process per kind of user.
-- PEAK_KIND names the kind; PEAK_FILE holds its requests (METHOD, PATH, TOKEN, BODY per line,
-- tab-separated). PEAK_ONCE=1: each line is sent once (writes: a record is submitted or
-- approved once), then the lines of PEAK_FALLBACK (reads) cycle. PEAK_THINK_MS: each
-- connection waits this long between its requests (a person reading the answer), so that
-- the connections are people and the load is set by their number.
-- done() prints one line: PEAK <kind> <requests> <req/s> <p50 ms> <p99 ms> <max ms>
--   <non-2xx> <statuses> <socket errors c/r/w/timeout> <single-use lines sent>.

local kind = os.getenv("PEAK_KIND") or "kind"
local think = tonumber(os.getenv("PEAK_THINK_MS") or "0")
local once = os.getenv("PEAK_ONCE") == "1"

local function load(file)
  local out = {}
  if not file or file == "" then return out end
  for line in io.lines(file) do
    local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    if method then
      local headers = { ["Content-Type"] = "application/json" }
      if token ~= "" then headers["Authorization"] = "Bearer " .. token end
      if body == "" then body = nil end
      out[#out + 1] = wrk.format(method, path, headers, body)
    end
  end
  return out
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  requests = load(os.getenv("PEAK_FILE"))
  fallback = load(os.getenv("PEAK_FALLBACK"))
  statuses = {}
  sent_once = 0
  next_index = 0
end

function delay()
  return think
end

function request()
  next_index = next_index + 1
  if once then
    if next_index <= #requests then
      sent_once = next_index
      return requests[next_index]
    end
    return fallback[((next_index - #requests - 1) % #fallback) + 1]
  end
  return requests[((next_index - 1) % #requests) + 1]
end

function response(status, headers, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
end

function done(summary, latency, requests)
  local all, non2xx, once_sent = {}, 0, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do
      all[k] = (all[k] or 0) + v
      if k:sub(1, 1) ~= "2" then non2xx = non2xx + v end
    end
    once_sent = once_sent + t:get("sent_once")
  end
  local keys = {}
  for k in pairs(all) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. ":" .. all[k] end
  local e = summary.errors
  io.write(string.format("PEAK %s %d %.1f %.1f %.1f %.1f %d %s %d/%d/%d/%d %d\n",
    kind, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    non2xx, (#parts > 0 and table.concat(parts, ",") or "-"),
    e.connect, e.read, e.write, e.timeout, once_sent))
end
