import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfig, loadConfig, settingName } from './config.loader';

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

  it("prefers a service's own credentials and remembers which variable supplied them", () => {
    const env = {
      ES_USERNAME: 'elastic',
      ES_PASSWORD: 'operator',
      INDEXER_ES_USERNAME: 'churnstream_indexer',
      INDEXER_ES_PASSWORD: 'own',
      INDEXER_ES_INDEX_PREFIX: 'not-per-service',
    };
    const indexer = loadConfig(env, 'indexer');
    assert.equal(indexer.ES_USERNAME, 'churnstream_indexer');
    assert.equal(indexer.ES_PASSWORD, 'own');
    assert.equal(indexer.ES_INDEX_PREFIX, 'churnstream');
    assert.equal(settingName(indexer, 'ES_PASSWORD'), 'INDEXER_ES_PASSWORD');
    const api = loadConfig(env, 'api');
    assert.equal(api.ES_USERNAME, 'elastic');
    assert.equal(settingName(api, 'ES_PASSWORD'), 'ES_PASSWORD');
  });

  it('names a CA file that does not exist, or one given for a plain connection', () => {
    assert.throws(
      () => loadConfig({ ES_URL: 'https://es:9200', ES_CA_FILE: '/nope/ca.pem' }),
      /ES_CA_FILE: no such file/,
    );
    assert.throws(
      () => loadConfig({ REDIS_CA_FILE: new URL(import.meta.url).pathname }),
      /REDIS_CA_FILE needs a rediss:\/\/ REDIS_URL/,
    );
    assert.throws(
      () => loadConfig({ KAFKA_CA_FILE: new URL(import.meta.url).pathname }),
      /KAFKA_CA_FILE needs KAFKA_SSL=true/,
    );
  });
});
