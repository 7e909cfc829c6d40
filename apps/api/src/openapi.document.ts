/**
 * The OpenAPI 3.1 document of the API, generated from the canned-query registry (parameters and
 * results are the registry's zod schemas), so the document cannot drift from what the API checks.
 * Also the /docs page: static HTML rendered from the same document, needing no network.
 */
import { z } from 'zod';
import { CANNED_QUERIES } from '@churnstream/search';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ErrorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, message: { type: 'string' }, error: { type: 'string' } },
  required: ['statusCode', 'message'],
};

interface Parameter {
  name: string;
  in: 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

function queryParameters(schema: z.ZodType): Parameter[] {
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string } & JsonSchema;
    return {
      name,
      in: 'query',
      required: (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/queries': {
      get: {
        operationId: 'listQueries',
        summary: 'The canned queries',
        responses: {
          '200': {
            description: 'Name, summary and path of each query',
            content: {
              'application/json': {
                schema: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      name: { type: 'string' },
                      summary: { type: 'string' },
                      path: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
  for (const query of CANNED_QUERIES) {
    paths[`/queries/${query.name}`] = {
      get: {
        operationId: query.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
        summary: query.summary,
        tags: ['queries'],
        parameters: queryParameters(query.params),
        responses: {
          '200': {
            description: 'The result',
            content: { 'application/json': { schema: jsonSchema(query.result, 'output') } },
          },
          '400': {
            description: 'A parameter is invalid',
            content: { 'application/json': { schema: ErrorSchema } },
          },
          '404': { description: 'Nothing found', content: { 'application/json': { schema: ErrorSchema } } },
        },
      },
    };
  }
  paths['/health'] = {
    get: {
      operationId: 'health',
      summary: 'Dependencies up (200) or the one that is down (503)',
      responses: { '200': { description: 'Healthy' }, '503': { description: 'A dependency is down' } },
    },
  };
  paths['/metrics'] = {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      responses: { '200': { description: 'Text exposition format', content: { 'text/plain': {} } } },
    },
  };
  // Node's HTTP server answers a request line or headers over its limit (16 KiB) before any route.
  for (const item of Object.values(paths) as { get: { responses: Record<string, unknown> } }[]) {
    item.get.responses['431'] = { description: 'The request line or headers are too large (over 16 KiB)' };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'churnstream query API',
      version: '1.0.0',
      description:
        'Canned queries over the customers, sessions and scores indices that the indexer keeps in Elasticsearch.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
  };
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

interface Operation {
  summary?: string;
  parameters?: Parameter[];
}

/** A self-contained HTML page listing every operation and its parameters. */
export function renderDocsPage(document: Record<string, unknown>): string {
  const info = document.info as { title: string; description: string };
  const sections = Object.entries(document.paths as Record<string, { get: Operation }>).map(
    ([path, item]) => {
      const op = item.get;
      const params = op.parameters ?? [];
      const rows = params
        .map((p) => {
          const schema = p.schema as { type?: string; enum?: string[]; default?: unknown };
          const type = schema.enum ? schema.enum.join(' | ') : (schema.type ?? 'string');
          const dflt =
            schema.default === undefined ? '' : ` (default ${escape(JSON.stringify(schema.default))})`;
          return `<tr><td><code>${escape(p.name)}</code>${p.required ? ' *' : ''}</td><td>${escape(type)}${dflt}</td><td>${escape(p.description ?? '')}</td></tr>`;
        })
        .join('');
      const table =
        params.length > 0
          ? `<table><tr><th>parameter</th><th>type</th><th>meaning</th></tr>${rows}</table>`
          : '';
      return `<section><h2><span class="get">GET</span> <a href="${escape(path)}">${escape(path)}</a></h2><p>${escape(op.summary ?? '')}</p>${table}</section>`;
    },
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
h2{font-size:1.05rem;margin-bottom:.2rem}.get{background:#2a7;color:#fff;padding:0 .4rem;border-radius:.2rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}</style></head>
<body><h1>${escape(info.title)}</h1><p>${escape(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escape(String(document.openapi))}). Parameters go in the query string; * marks required ones.</p>
${sections.join('\n')}
</body></html>`;
}
