-- A URL's claim: taken if free; granted again to the same claimant (the same listing) only if the worker that
-- claimed it is dead: the listing is being redone.
-- KEYS: claims. ARGV: the URL's identity, the claimant, this worker's name, the alive keys' prefix (a worker's
-- name appended). Returns 1 if granted.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local claimant, worker = string.match(current, '^(.*)|([^|]*)$')
  if claimant ~= ARGV[2] or worker == ARGV[3] or redis.call('EXISTS', ARGV[4] .. worker) == 1 then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
return 1
