import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANNED_QUERIES } from '@churnstream/search';
import { buildOpenApiDocument, renderDocsPage } from './openapi.document';

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<
      string,
      { get: { parameters?: { name: string; required: boolean; schema: Record<string, unknown> }[] } }
    >;
  };

  it('documents every canned query with its parameters taken from the zod schema', () => {
    assert.equal(doc.openapi, '3.1.0');
    for (const q of CANNED_QUERIES) assert.ok(doc.paths[`/queries/${q.name}`], q.name);
    const by = doc.paths['/queries/churn-rate']?.get.parameters?.find((p) => p.name === 'by');
    assert.equal(by?.required, false);
    assert.equal(by?.schema.default, 'country');
    assert.deepEqual(by?.schema.enum, ['country', 'age_band', 'gender', 'device_type', 'payment_method']);
  });

  it('renders a docs page that escapes text and loads nothing from the network', () => {
    const page = renderDocsPage({ ...doc, info: { title: 'a <b>', description: 'x & y' } });
    assert.match(page, /a &lt;b&gt;/);
    assert.match(page, /x &amp; y/);
    assert.doesNotMatch(page, /<script|<link|https?:\/\//);
  });
});
