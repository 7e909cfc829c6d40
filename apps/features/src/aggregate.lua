-- Applies one consumed batch of activity events for one partition, atomically.
-- KEYS[1] = zset of customers by the instant they become churned (due), KEYS[2] = partition watermark,
-- then for op i: KEYS[2+2i-1] = the customer's hash, KEYS[2+2i] = the customer's set of applied event ids.
-- ARGV[1] = JSON {window_ms, key_prefix, ops = [{t='r'|'s'|'k', id, c, time, ...}]}
-- Exactly-once effect: an event id already in the customer's set changes nothing (SADD returns 0), so
-- redelivery after a crash, a rebalance or a replay of the same events never counts anything twice.
-- Returns {customers = [[field, value, ...], ...], flags = [[customer_id, churned, reference_ms], ...], watermark}.
local args = cjson.decode(ARGV[1])
local dueKey, wmKey = KEYS[1], KEYS[2]
local window = tonumber(args.window_ms)
local wm = tonumber(redis.call('GET', wmKey) or '-1')
local touched, order = {}, {}

local function touch(c, h)
  if not touched[c] then touched[c] = h; order[#order + 1] = c end
end

local function bump(h) redis.call('HINCRBY', h, 'version', 1) end

for i, op in ipairs(args.ops) do
  local h, seen = KEYS[2 + 2 * i - 1], KEYS[2 + 2 * i]
  if op.t ~= 'k' then
    touch(op.c, h)
    if redis.call('SADD', seen, op.id) == 1 then
      if op.t == 'r' then
        redis.call('HSET', h, 'customer_id', op.c, 'name', op.name, 'email', op.email, 'age', op.age,
          'gender', op.gender, 'location', op.location, 'country', op.country, 'customer_since', op.since)
      else
        redis.call('HSETNX', h, 'customer_id', op.c)
        redis.call('HINCRBY', h, 'session_count', 1)
        redis.call('HINCRBY', h, 'pages_viewed_total', op.pv)
        redis.call('HINCRBY', h, 'products_added_total', op.pa)
        redis.call('HINCRBY', h, 'products_purchased_total', op.pp)
        redis.call('HINCRBY', h, 'total_spent_cents', op.cents)
        redis.call('HINCRBY', h, 'total_session_ms', op['end'] - op.start)
        redis.call('HSET', h, 'dev:' .. op.dev, 1)
        if op.pay then redis.call('HSET', h, 'pay:' .. op.pay, 1) end
        local first = tonumber(redis.call('HGET', h, 'first_seen_at') or 'nil')
        if not first or op.start < first then redis.call('HSET', h, 'first_seen_at', op.start) end
        local last = tonumber(redis.call('HGET', h, 'last_active_at') or 'nil')
        if not last or op['end'] > last then redis.call('HSET', h, 'last_active_at', op['end']) end
        if op.pp > 0 then
          local lp = tonumber(redis.call('HGET', h, 'last_purchase_at') or 'nil')
          if not lp or op['end'] > lp then redis.call('HSET', h, 'last_purchase_at', op['end']) end
        end
      end
      bump(h)
    end
  end
  if op.time > wm then wm = op.time end
end
redis.call('SET', wmKey, wm)

local flags = {}
local function setFlag(c, h, churned, ref)
  redis.call('HSET', h, 'flagged', churned and '1' or '0')
  bump(h)
  flags[#flags + 1] = { c, churned and 1 or 0, ref }
end

-- Re-evaluate every customer this batch touched: a purchase re-arms (and may clear) the flag.
for _, c in ipairs(order) do
  local h = touched[c]
  local ref = tonumber(redis.call('HGET', h, 'last_purchase_at') or 'nil')
    or tonumber(redis.call('HGET', h, 'customer_since') or 'nil')
  if ref then
    local flagged = redis.call('HGET', h, 'flagged') == '1'
    if ref + window <= wm then
      redis.call('ZREM', dueKey, c)
      if not flagged then setFlag(c, h, true, ref) end
    else
      redis.call('ZADD', dueKey, ref + window, c)
      if flagged then setFlag(c, h, false, ref) end
    end
  end
end

-- Customers whose due instant the watermark has passed: found through the sorted set, no scan.
local due = redis.call('ZRANGEBYSCORE', dueKey, '-inf', wm)
for _, c in ipairs(due) do
  local h = args.key_prefix .. c
  redis.call('ZREM', dueKey, c)
  if redis.call('HGET', h, 'flagged') ~= '1' then
    local ref = tonumber(redis.call('HGET', h, 'last_purchase_at') or 'nil')
      or tonumber(redis.call('HGET', h, 'customer_since') or 'nil')
    setFlag(c, h, true, ref)
  end
  touch(c, h)
end

local customers = {}
for _, c in ipairs(order) do customers[#customers + 1] = redis.call('HGETALL', touched[c]) end
return { customers, flags, wm }
