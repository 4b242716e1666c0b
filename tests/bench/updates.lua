-- wrk script for tests/bench/updates.sh: authenticated dyndns2 updates, each one a change.
-- Host i (account i // PER, password PASS) gets the IPv6 address
-- 2001:db8:(0x1000 + i // 65535):(i % 65535 + 1):1:1:1:r in round r (no zero group, so the
-- text form is never shortened), so every update writes, and the reply ("good 127.0.0.1,2001:db8::...") says
-- which host and round the server acknowledged; each thread keeps the last acknowledged round
-- per host, and done() writes them to ACKED ("INDEX ROUND" lines).
local accounts = tonumber(os.getenv("ACCOUNTS"))
local per = tonumber(os.getenv("PER"))
local zone = os.getenv("ZONE")
local password = os.getenv("PASS")
local acked_file = os.getenv("ACKED")
local total = accounts * per

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- A request is built from two pieces made once (wrk shares the machine with the server, and
-- wrk.format's table and string.format calls per request cost it a good part of a core):
-- the request line up to the round, per host, and the rest of the request, per account.
local request_head, request_tail, k, step
-- Globals, not locals: done() reads them from each thread with thread:get().
acked, good = nil, 0
function init(args)
  local host_header = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
  request_tail = {}
  for a = 0, accounts - 1 do
    request_tail[a] = " HTTP/1.1\r\nHost: " .. host_header .. "\r\nAuthorization: Basic " ..
                      base64("a" .. a .. ":" .. password) .. "\r\nUser-Agent: qdyn-bench/1.0\r\n\r\n"
  end
  request_head = {}
  k = id
  step = #threads > 0 and #threads or tonumber(os.getenv("THREADS"))
  acked = {}
  good = 0
end

function request()
  local host = k % total
  local round = math.floor(k / total) + 1
  k = k + step
  local head = request_head[host]
  if not head then
    head = string.format("GET /nic/update?hostname=h%d.%s&myip=2001:db8:%x:%x:1:1:1:", host, zone,
                         0x1000 + math.floor(host / 65535), host % 65535 + 1)
    request_head[host] = head
  end
  return head .. string.format("%x", round) .. request_tail[math.floor(host / per)]
end

function response(status, headers, body)
  local hi, lo, round = body:match("^good [^,]*,2001:db8:(%x+):(%x+):1:1:1:(%x+)")
  if status == 200 and hi then
    local host = (tonumber(hi, 16) - 0x1000) * 65535 + tonumber(lo, 16) - 1
    local r = tonumber(round, 16)
    if (acked[host] or 0) < r then acked[host] = r end
    good = good + 1
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(acked_file, "w"))
  local total_good = 0
  for _, thread in ipairs(threads) do
    local table_ = thread:get("acked")
    for host, round in pairs(table_) do out:write(host, " ", round, "\n") end
    total_good = total_good + thread:get("good")
  end
  out:close()
  io.write(string.format("wrk: %d acknowledged (good) updates, %d errors (connect %d, read %d, write %d, timeout %d), %d non-2xx\n",
                         total_good, summary.errors.connect + summary.errors.read + summary.errors.write +
                         summary.errors.timeout, summary.errors.connect, summary.errors.read,
                         summary.errors.write, summary.errors.timeout, summary.errors.status))
  io.write(string.format("wrk: latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000))
end
