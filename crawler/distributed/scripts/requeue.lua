-- A dead worker's (no alive key) in-flight requests back into the queue; -1 if it lives.
-- KEYS: its inflight, requests, workers, its alive. ARGV: its name. Returns how many requests were moved.
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local requests = redis.call('HVALS', KEYS[1])
for _, request in ipairs(requests) do redis.call('ZADD', KEYS[2], 0, request) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return #requests
