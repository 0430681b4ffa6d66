-- The seeding is this worker's unless another live worker is queuing the seeds or has queued them. For a worker
-- starting (ARGV[4] = 1), a run whose seeds were queued and which is drained is over (its last worker died before
-- deleting it): deleted, seeded again.
-- Runs after run_functions.lua. KEYS: seeder, seeded. ARGV: this worker's name, the run's prefix, the run's SCAN
-- pattern, starting (1/0). Returns 1 if the seeding is this worker's, 2 if the run was deleted, else 0.
if redis.call('EXISTS', KEYS[2]) == 1 then
  if ARGV[4] ~= '1' or not drained(ARGV[2]) then return 0 end
  delete_run(ARGV[3])
  return 2
end
local seeder = redis.call('GET', KEYS[1])
if seeder and seeder ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. ':alive:' .. seeder) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
