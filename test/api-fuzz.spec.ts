// Hostile HTTP input, generated from the api's own OpenAPI document: every route and parameter gets
// valid values, values just outside their schema, hostile strings (percent-escapes, brackets that
// Express parses into objects, repeated keys, huge values) and unknown parameters. Real HTTP against
// the api in process, over real Elasticsearch with a few documents. A failure prints fast-check's
// seed and path; FUZZ_SEED and FUZZ_RUNS replay or widen a run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Client } from '@elastic/elasticsearch';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { loadConfig } from '@churnstream/config';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  deleteSearchIndices,
  detectSearchCapabilities,
  installSearchIndices,
  searchIndexNames,
} from '@churnstream/search';
import { ApiModule } from '../apps/api/src/api.module';
import { buildOpenApiDocument } from '../apps/api/src/openapi.document';
import { stackEnv, stackPrefixes } from './support';

type JsonSchema = Record<string, unknown> & {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
};
interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** What a stack trace looks like in a body: a V8 frame or a source file position. */
const STACK_TRACE = /\n\s+at |\bat .+\.(?:ts|js|mjs):\d+:\d+|node_modules\//;

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%E0%A4%A',
    '%00',
    '\u0000',
    '__proto__',
    'constructor',
    'null',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '9007199254740993',
    '0x10',
    '[]',
    '{}',
    '*',
    '"',
    "'; DROP TABLE x; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '2026-02-30',
    '2026-13-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.nat(20_000).map((n) => 'x'.repeat(n)),
);

/** Values in and around one parameter's schema. */
function valueFor(schema: JsonSchema): fc.Arbitrary<string> {
  const near: fc.Arbitrary<string>[] = [hostile];
  if (schema.enum) near.push(fc.constantFrom(...schema.enum.map(String)));
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = schema.minimum ?? -1_000_000;
    const max = schema.maximum ?? 1_000_000;
    near.push(
      fc.integer({ min: Math.max(min - 2, -(2 ** 31)), max: Math.min(max + 2, 2 ** 31) }).map(String),
    );
  }
  if (schema.format === 'date-time' || schema.format === 'date')
    near.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  return fc.oneof(...near);
}

/** A raw query string: each parameter absent, present once, repeated, or as Express's `name[key]` object syntax. */
function queryFor(parameters: Parameter[]): fc.Arbitrary<string> {
  const pairs = parameters.map((p) =>
    fc.oneof(
      fc.constant<string[]>([]),
      valueFor(p.schema).map((v) => [`${p.name}=${encodeURIComponent(v)}`]),
      fc
        .tuple(valueFor(p.schema), valueFor(p.schema))
        .map(([a, b]) => [`${p.name}=${encodeURIComponent(a)}`, `${p.name}=${encodeURIComponent(b)}`]),
      fc
        .tuple(hostile, hostile)
        .map(([k, v]) => [`${p.name}[${encodeURIComponent(k)}]=${encodeURIComponent(v)}`]),
      hostile.map((v) => [`${p.name}=${v}`]),
    ),
  );
  const unknown = fc.option(
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), hostile)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
  );
  return fc.tuple(fc.tuple(...pairs), unknown).map(([chosen, extra]) => {
    const all = [...chosen.flat(), ...(extra === null ? [] : [extra])];
    return all.length > 0 ? `?${all.join('&')}` : '';
  });
}

describe('the api under hostile HTTP input (from its OpenAPI document, real Elasticsearch)', () => {
  const names = stackPrefixes('fuzz');
  const env = { ...process.env, ...stackEnv(), ES_INDEX_PREFIX: names.index };
  const document = buildOpenApiDocument() as { paths: Record<string, { get: Operation }> };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  let es: Client;
  let app: INestApplication;
  let base: string;

  before(async () => {
    es = createElasticsearch(loadConfig(env));
    await installSearchIndices(es, names.index, await detectSearchCapabilities(es));
    const indices = searchIndexNames(names.index);
    await es.bulk({
      refresh: 'wait_for',
      operations: [
        { index: { _index: indices.customers, _id: 'C1' } },
        {
          customer_id: 'C1',
          name: 'A',
          gender: 'female',
          age: 30,
          age_band: '25-34',
          country: 'FR',
          churned: true,
          churn_score: 0.9,
          total_spent: 12.5,
          session_count: 1,
        },
        { index: { _index: indices.customers, _id: 'C2' } },
        {
          customer_id: 'C2',
          name: 'B',
          gender: 'male',
          age: 70,
          age_band: '65+',
          country: 'DE',
          churned: false,
          churn_score: 0.1,
          total_spent: 0,
          session_count: 1,
        },
        { index: { _index: indices.sessions, _id: 'S1' } },
        {
          session_id: 'S1',
          customer_id: 'C1',
          session_start: '2026-01-01T10:00:00.000Z',
          session_end: '2026-01-01T10:05:00.000Z',
          device_type: 'mobile',
          payment_method: 'paypal',
          total_spent: 12.5,
          products_purchased: 1,
        },
        { index: { _index: indices.sessions, _id: 'S2' } },
        {
          session_id: 'S2',
          customer_id: 'C2',
          session_start: '2026-01-03T10:00:00.000Z',
          session_end: '2026-01-03T10:01:00.000Z',
          device_type: 'desktop',
          payment_method: null,
          total_spent: 0,
          products_purchased: 0,
        },
      ],
    });
    // The api runs with its own credentials (read-only on the secured stack).
    app = await NestFactory.create(ApiModule.forRoot(loadConfig(env, 'api')), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app.close();
    await deleteSearchIndices(es, names.index);
    await es.close();
  });

  const check = async (path: string, query: string, operation: Operation | undefined) => {
    const response = await fetch(`${base}${path}${query}`);
    const text = await response.text();
    const where = `GET ${path}${query.slice(0, 300)} -> ${response.status}: ${text.slice(0, 300)}`;
    assert.ok(response.status < 500, where);
    assert.doesNotMatch(text, STACK_TRACE, where);
    if (!operation) return;
    const documented = operation.responses[String(response.status)];
    assert.ok(documented, `undocumented status: ${where}`);
    const schema = documented.content?.['application/json']?.schema;
    if (schema) {
      const validate = ajv.compile(schema);
      assert.ok(validate(JSON.parse(text)), `${where}\nschema: ${ajv.errorsText(validate.errors)}`);
    }
  };

  for (const [path, item] of Object.entries(document.paths)) {
    it(`answers GET ${path} with no 5xx, no stack trace and a documented response`, async () => {
      const parameters = item.get.parameters ?? [];
      await fc.assert(
        fc.asyncProperty(queryFor(parameters), (query) => check(path, query, item.get)),
        { seed: SEED, numRuns: parameters.length > 0 ? RUNS : 10, endOnFailure: true },
      );
    });
  }

  it('answers unknown query names and hostile path segments with a client error, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, queryFor([]), (segment, query) =>
        check(`/queries/${encodeURIComponent(segment).slice(0, 2_000)}`, query, undefined),
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
