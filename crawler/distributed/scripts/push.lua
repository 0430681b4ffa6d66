-- A request into the queue unless the filter has seen it; a request made from an in-flight one (a redirect or a
-- retry: its meta names the parent) takes the parent's place in the same step.
-- KEYS: dupefilter, requests, this worker's inflight. ARGV: fingerprint, dont_filter (1/0), score, request,
-- the parent's in-flight field ('' if none). Returns 1 if queued.
local new = redis.call('SADD', KEYS[1], ARGV[1]) == 1
if new or ARGV[2] == '1' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HDEL', KEYS[3], ARGV[5]) end
return (new or ARGV[2] == '1') and 1 or 0
