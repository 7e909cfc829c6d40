import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { createRedis, pingRedis } from '@churnstream/redis';
import { uniqueName } from './support';

describe('Redis (real server)', () => {
  const prefix = `${uniqueName('redis')}:`;
  let redis: Redis;

  before(() => {
    redis = createRedis(loadConfig());
  });

  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('answers PING', async () => {
    const { latencyMs } = await pingRedis(redis);
    assert.ok(latencyMs >= 0);
  });

  it('round-trips a hash', async () => {
    await redis.hset(`${prefix}h`, { a: '1', b: 'two' });
    assert.deepEqual(await redis.hgetall(`${prefix}h`), { a: '1', b: 'two' });
  });

  it('runs a Lua script atomically: increments once per new id and ignores a repeated id', async () => {
    const script = `
      if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
        return redis.call('HINCRBY', KEYS[2], 'count', tonumber(ARGV[2]))
      end
      return tonumber(redis.call('HGET', KEYS[2], 'count') or '0')`;
    const seenKey = `${prefix}seen`;
    const hashKey = `${prefix}agg`;
    assert.equal(await redis.eval(script, 2, seenKey, hashKey, 'e1', 5), 5);
    assert.equal(await redis.eval(script, 2, seenKey, hashKey, 'e2', 7), 12);
    assert.equal(await redis.eval(script, 2, seenKey, hashKey, 'e1', 5), 12);
    assert.equal(await redis.hget(hashKey, 'count'), '12');
  });
});
