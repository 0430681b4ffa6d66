-- A worker leaves: its in-flight requests back into the queue; the last one out of a drained run deletes its keys.
-- Runs after run_functions.lua. KEYS: its inflight, requests, workers, its alive. ARGV: its name, the run's
-- prefix, the run's SCAN pattern. Returns how many keys were deleted.
for _, request in ipairs(redis.call('HVALS', KEYS[1])) do redis.call('ZADD', KEYS[2], 0, request) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
if not drained(ARGV[2]) or redis.call('SCARD', KEYS[3]) > 0 then return 0 end
return delete_run(ARGV[3])
