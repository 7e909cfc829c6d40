-- Applies one consumed batch to the online evaluation's state, atomically.
-- ARGV[1] = key prefix (ends with the {eval} hash tag and a colon: every key shares one slot)
-- ARGV[2] = JSON {horizon_ms, partitions, buys = [{c, sid, end}], ticks = [{p, time}],
--                 preds = [{id, c, t, p (string), d, m, sb (-1: no drift reference), fb = {feature = bin}}]}
-- Keys: wm (hash partition -> newest tick), buy:<customer> (zset of purchase session_end, member
-- session_id), pending (zset id -> t + horizon), pred (hash id -> JSON), m:<day>|<model> (hash id ->
-- "p,outcome"), i:<day>|<model> (issued count), h:<day>|<model> (drift bin counts), days, dirty (sets).
-- Exactly-once effect: a purchase is a zset member, a tick a max, and a prediction already pending or
-- matured is skipped, so redelivering a batch after a crash changes nothing.
-- Returns {watermark, accepted, matured}.
local pre = ARGV[1]
local a = cjson.decode(ARGV[2])
local horizon = tonumber(a.horizon_ms)
local fmt = function(x) return string.format('%.0f', x) end

for _, b in ipairs(a.buys) do redis.call('ZADD', pre .. 'buy:' .. b.c, 'NX', b['end'], b.sid) end
for _, k in ipairs(a.ticks) do
  local cur = tonumber(redis.call('HGET', pre .. 'wm', k.p) or '-1')
  if k.time > cur then redis.call('HSET', pre .. 'wm', k.p, fmt(k.time)) end
end

local wm = nil
for p = 0, tonumber(a.partitions) - 1 do
  local v = tonumber(redis.call('HGET', pre .. 'wm', p) or '-1')
  if wm == nil or v < wm then wm = v end
end
wm = wm or -1

local matured = 0
local function mature(id, rec)
  local dk = rec.d .. '|' .. rec.m
  local hit = redis.call('ZRANGEBYSCORE', pre .. 'buy:' .. rec.c, '(' .. fmt(rec.t), fmt(rec.t + horizon),
    'LIMIT', 0, 1)
  local outcome = (#hit == 0) and '1' or '0'
  redis.call('HSET', pre .. 'm:' .. dk, id, rec.p .. ',' .. outcome)
  redis.call('SADD', pre .. 'dirty', dk)
  matured = matured + 1
end

local accepted = 0
for _, r in ipairs(a.preds) do
  local dk = r.d .. '|' .. r.m
  if redis.call('HEXISTS', pre .. 'pred', r.id) == 0 and redis.call('HEXISTS', pre .. 'm:' .. dk, r.id) == 0 then
    accepted = accepted + 1
    redis.call('HINCRBY', pre .. 'i:' .. dk, 'n', 1)
    if r.sb >= 0 then redis.call('HINCRBY', pre .. 'h:' .. dk, 's:' .. r.sb, 1) end
    for name, bin in pairs(r.fb) do redis.call('HINCRBY', pre .. 'h:' .. dk, 'f:' .. name .. ':' .. bin, 1) end
    redis.call('SADD', pre .. 'days', dk)
    redis.call('SADD', pre .. 'dirty', dk)
    if r.t + horizon <= wm then
      mature(r.id, r)
    else
      redis.call('HSET', pre .. 'pred', r.id, cjson.encode({ c = r.c, t = r.t, p = r.p, d = r.d, m = r.m }))
      redis.call('ZADD', pre .. 'pending', fmt(r.t + horizon), r.id)
    end
  end
end

if wm >= 0 then
  local due = redis.call('ZRANGEBYSCORE', pre .. 'pending', '-inf', fmt(wm))
  for _, id in ipairs(due) do
    local raw = redis.call('HGET', pre .. 'pred', id)
    if raw then mature(id, cjson.decode(raw)) end
    redis.call('HDEL', pre .. 'pred', id)
    redis.call('ZREM', pre .. 'pending', id)
  end
end

return { fmt(wm), accepted, matured }
