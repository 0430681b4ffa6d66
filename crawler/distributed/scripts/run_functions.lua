-- Shared by leave.lua and seed.lua (ARGV[2]: the run's key prefix; key names as in crawler/distributed/keys.py):
-- whether the run is drained, nothing queued and nothing in flight at a live worker (dead workers are dropped on
-- the way, their requests back in the queue), and how to delete its keys.
local function drained(prefix)
  for _, worker in ipairs(redis.call('SMEMBERS', prefix .. ':workers')) do
    local inflight = prefix .. ':inflight:' .. worker
    if redis.call('EXISTS', prefix .. ':alive:' .. worker) == 0 then
      for _, request in ipairs(redis.call('HVALS', inflight)) do redis.call('ZADD', prefix .. ':requests', 0, request) end
      redis.call('DEL', inflight)
      redis.call('SREM', prefix .. ':workers', worker)
    elseif redis.call('HLEN', inflight) > 0 then
      return false
    end
  end
  return redis.call('ZCARD', prefix .. ':requests') == 0
end
local function delete_run(pattern)
  local cursor, deleted = '0', 0
  repeat
    local page = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = page[1]
    for _, key in ipairs(page[2]) do deleted = deleted + redis.call('DEL', key) end
  until cursor == '0'
  return deleted
end
