import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig } from '@churnstream/config';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  CANNED_QUERIES,
  deleteSearchIndices,
  detectSearchCapabilities,
  installSearchIndices,
} from '@churnstream/search';
import { ApiModule } from '../apps/api/src/api.module';
import { uniqueName } from './support';

describe('ApiModule (HTTP, real Elasticsearch)', () => {
  const prefix = uniqueName('api');
  const config = { ...loadConfig(), ES_INDEX_PREFIX: prefix };
  let es: Client;
  let app: INestApplication;
  let base: string;

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  };

  before(async () => {
    es = createElasticsearch(config);
    await installSearchIndices(es, prefix, await detectSearchCapabilities(es));
    app = await NestFactory.create(ApiModule.forRoot(config), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app.close();
    await deleteSearchIndices(es, prefix);
    await es.close();
  });

  it('serves an OpenAPI 3 document with one path per canned query and its parameters', async () => {
    const { status, text } = await get('/openapi.json');
    assert.equal(status, 200);
    const doc = JSON.parse(text) as {
      openapi: string;
      paths: Record<string, { get: { parameters?: { name: string; required: boolean }[] } }>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const q of CANNED_QUERIES) assert.ok(doc.paths[`/queries/${q.name}`], q.name);
    assert.deepEqual(
      doc.paths['/queries/customer']?.get.parameters?.map((p) => [p.name, p.required]),
      [['id', true]],
    );
  });

  it('serves a self-contained docs page', async () => {
    const { status, type, text } = await get('/docs');
    assert.equal(status, 200);
    assert.match(type, /text\/html/);
    assert.match(text, /\/queries\/churn-rate/);
    assert.doesNotMatch(text, /<script|https?:\/\//);
  });

  it('runs a canned query, and answers 400 for a bad parameter and 404 for an unknown query or customer', async () => {
    const gender = await get('/queries/customers-by-gender');
    assert.equal(gender.status, 200);
    assert.deepEqual(JSON.parse(gender.text), { customers: 0, genders: [] });
    const bad = await get('/queries/churn-rate?by=shoe_size');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /by: /);
    assert.equal((await get('/queries/nope')).status, 404);
    assert.equal((await get('/queries/customer?id=nobody')).status, 404);
    const list = JSON.parse((await get('/queries')).text) as { name: string }[];
    assert.equal(list.length, CANNED_QUERIES.length);
  });

  it('reports Elasticsearch on /health', async () => {
    const { status, text } = await get('/health');
    assert.equal(status, 200, text);
    assert.match(text, /elasticsearch/);
  });
});
