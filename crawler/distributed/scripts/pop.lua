-- The next request out of the queue and into the worker's in-flight hash, in one step.
-- KEYS: requests, this worker's inflight, sequence. Returns {in-flight field, request}, or nil if none is queued.
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], id, first[1])
return {id, first[1]}
