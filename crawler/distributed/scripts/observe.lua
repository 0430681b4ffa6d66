-- A page of a site seen: its blocks counted, unless a worker counted the page before.
-- KEYS: the site's pages, the site's blocks. ARGV: the page, then its blocks. Returns 1 if counted.
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
return 1
