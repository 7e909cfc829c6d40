import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig } from '@churnstream/config';
import { createElasticsearch, pingElasticsearch } from '@churnstream/elasticsearch';
import { uniqueName } from './support';

describe('Elasticsearch (real server)', () => {
  const index = uniqueName('es');
  let es: Client;

  before(async () => {
    es = createElasticsearch(loadConfig());
    await es.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        dynamic: 'strict',
        properties: {
          customer_id: { type: 'keyword' },
          gender: { type: 'keyword' },
          age: { type: 'integer' },
          total_spent: { type: 'double' },
          customer_since: { type: 'date' },
        },
      },
    });
  });

  after(async () => {
    await es.indices.delete({ index, ignore_unavailable: true });
    await es.close();
  });

  it('reports a green or yellow cluster', async () => {
    const health = await pingElasticsearch(es);
    assert.ok(['green', 'yellow'].includes(health.cluster_status));
  });

  it('keeps the explicit mapping', async () => {
    const mapping = await es.indices.getMapping({ index });
    assert.equal(mapping[index]?.mappings.properties?.total_spent?.type, 'double');
  });

  it('bulk-indexes 1,000 documents and aggregates them by term with exact counts', async () => {
    const genders = ['female', 'male', 'non_binary', 'unspecified'];
    const expected = new Map<string, number>();
    const operations: object[] = [];
    for (let i = 0; i < 1_000; i++) {
      const gender = genders[(i * 7) % 13 < 6 ? 0 : (i * 7) % 13 < 11 ? 1 : i % 2 === 0 ? 2 : 3] ?? 'female';
      expected.set(gender, (expected.get(gender) ?? 0) + 1);
      const id = `C${String(i).padStart(6, '0')}`;
      operations.push({ index: { _index: index, _id: id } });
      operations.push({
        customer_id: id,
        gender,
        age: 18 + (i % 60),
        total_spent: i * 1.25,
        customer_since: '2025-01-01',
      });
    }
    const bulk = await es.bulk({ operations, refresh: 'wait_for' });
    assert.equal(bulk.errors, false);
    const count = await es.count({ index });
    assert.equal(count.count, 1_000);
    const result = await es.search<unknown, { by_gender: { buckets: { key: string; doc_count: number }[] } }>(
      {
        index,
        size: 0,
        aggs: { by_gender: { terms: { field: 'gender', size: 10 } } },
      },
    );
    const buckets = result.aggregations?.by_gender.buckets ?? [];
    assert.deepEqual(
      Object.fromEntries(buckets.map((b) => [b.key, b.doc_count])),
      Object.fromEntries(expected),
    );
  });

  it('rejects a document that breaks the strict mapping, naming the field', async () => {
    const bulk = await es.bulk({
      operations: [{ index: { _index: index, _id: 'bad' } }, { not_a_field: 1 }],
    });
    assert.equal(bulk.errors, true);
    assert.match(JSON.stringify(bulk.items[0]?.index?.error), /not_a_field/);
  });
});
