import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfig, loadConfig } from './config.loader';

describe('loadConfig', () => {
  it('defaults to the local stack', () => {
    const config = loadConfig({});
    assert.deepEqual(config.KAFKA_BROKERS, ['127.0.0.1:9092']);
    assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(config.ES_URL, 'http://127.0.0.1:9200');
    assert.equal(config.TOPIC_PREFIX, 'churnstream');
  });

  it('parses a broker list', () => {
    assert.deepEqual(loadConfig({ KAFKA_BROKERS: 'a:9092, b:9093' }).KAFKA_BROKERS, ['a:9092', 'b:9093']);
  });

  it('names each bad variable', () => {
    assert.throws(
      () => loadConfig({ KAFKA_BROKERS: 'nope', ACTIVITY_PARTITIONS: '0' }),
      (error: Error) =>
        /KAFKA_BROKERS: each broker must be host:port/.test(error.message) &&
        /ACTIVITY_PARTITIONS/.test(error.message),
    );
  });

  it('never shows a secret, in errors or in the start-up description', () => {
    assert.throws(
      () => loadConfig({ ES_USERNAME: 'elastic', ES_PASSWORD: 'hunter2', REDIS_URL: 'http://:s3cret@host' }),
      (error: Error) => /REDIS_URL/.test(error.message) && !error.message.includes('s3cret'),
    );
    assert.throws(
      () => loadConfig({ ES_PASSWORD: 'hunter2' }),
      /ES_USERNAME and ES_PASSWORD must be set together/,
    );
    const shown = JSON.stringify(
      describeConfig(
        loadConfig({
          ES_USERNAME: 'elastic',
          ES_PASSWORD: 'hunter2',
          REDIS_URL: 'redis://:s3cret@redis:6379',
        }),
      ),
    );
    assert.ok(!shown.includes('hunter2') && !shown.includes('s3cret'), shown);
    assert.match(shown, /redis:\/\/\*\*\*@redis:6379/);
  });
});
