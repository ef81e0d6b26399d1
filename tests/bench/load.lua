-- wrk script for scripts/bench: one request shape per run.
-- Arguments (after --): METHOD PATH [BODY_FILE PREFIX [LIMIT]]
--   BODY_FILE  a request body; each "@NAME@" in it becomes a name unique to
--              this request (PREFIX, the thread number and a counter), so
--              that every CreateCluster of a run creates a new cluster.
--   LIMIT      stop each thread after LIMIT responses (used to seed data).
-- done() prints one line "BENCH {json}" with the rate, latency percentiles
-- (microseconds), the whole latency histogram ([microseconds, requests]
-- pairs, so that runs can be merged) and the count of each HTTP status.

local threads = {}

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

local method, path, pre, post, prefix, limit
local counter, responses = 0, 0
statuses = {}

function init(args)
	method, path = args[1], args[2]
	prefix = args[4] or "b"
	limit = tonumber(args[5] or "0")
	if args[3] ~= nil and args[3] ~= "-" then
		local f = assert(io.open(args[3], "rb"))
		local body = f:read("*a")
		f:close()
		local at = string.find(body, "@NAME@", 1, true)
		if at then
			pre, post = string.sub(body, 1, at - 1), string.sub(body, at + 6)
		else
			pre, post = body, nil
		end
	end
end

function request()
	counter = counter + 1
	if pre == nil then
		return wrk.format(method, path)
	end
	local body = pre
	if post ~= nil then
		body = pre .. string.format("%s-%d-%08d", prefix, tid, counter) .. post
	end
	return wrk.format(method, path, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	responses = responses + 1
	if limit > 0 and responses >= limit then
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local counts = {}
	for _, t in ipairs(threads) do
		local s = t:get("statuses")
		for code, n in pairs(s) do
			counts[code] = (counts[code] or 0) + n
		end
	end
	local parts = {}
	for code, n in pairs(counts) do
		table.insert(parts, string.format('"%d":%d', code, n))
	end
	local hist = {}
	for i = 1, #latency do
		local value, count = latency(i)
		table.insert(hist, string.format("[%d,%d]", value, count))
	end
	io.write(string.format(
		'BENCH {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"statuses":{%s},"hist":[%s]}\n',
		summary.requests, summary.duration,
		summary.errors.connect + summary.errors.read + summary.errors.write +
		    summary.errors.status + summary.errors.timeout,
		latency:percentile(50), latency:percentile(99), latency.max,
		table.concat(parts, ","), table.concat(hist, ",")))
end
