/**
 * The Elasticsearch side of the search lib: installing the templates and indices, the bulk
 * transport the BulkWriter retries over, and the SearchBackend the canned queries run on. The only
 * file of this lib that talks to the client.
 */
import { type Client, errors } from '@elastic/elasticsearch';
import type { ModelEvaluation } from '@churnstream/contracts';
import { AppError } from '@churnstream/errors';
import { evaluationDocument, evaluationDocumentId } from './search.evaluations';
import type { BulkItemResult, BulkTransport } from './bulk.writer';
import { BulkTransportError } from './bulk.writer';
import type { SearchBackend, SearchResponse } from './search.backend';
import {
  FULL_CAPABILITIES,
  SEARCH_INDICES,
  type SearchCapabilities,
  indexTemplates,
  searchIndexNames,
} from './search.mappings';

interface ErrorBody {
  error?: { type?: string };
}

export interface InstallResult {
  templates: string[];
  created: string[];
  existing: string[];
}

/**
 * Puts the three index templates and creates each index that is missing; an index that exists gets
 * the template's mapping put on it (new fields are added, a conflicting change fails loudly).
 * Idempotent: running it again changes nothing. Safe when several indexers start at once.
 */
export async function installSearchIndices(
  client: Client,
  prefix: string,
  capabilities: SearchCapabilities = FULL_CAPABILITIES,
): Promise<InstallResult> {
  const templates = indexTemplates(prefix, capabilities);
  const result: InstallResult = { templates: [], created: [], existing: [] };
  for (const index of SEARCH_INDICES) {
    const t = templates[index];
    await client.indices.putIndexTemplate({
      name: t.name,
      index_patterns: t.index_patterns,
      priority: t.priority,
      template: t.template,
      _meta: t._meta,
    });
    result.templates.push(t.name);
    const name = t.index_patterns[0] ?? t.name;
    if (await client.indices.exists({ index: name })) {
      await client.indices.putMapping({ index: name, ...t.template.mappings });
      result.existing.push(name);
      continue;
    }
    try {
      await client.indices.create({ index: name, wait_for_active_shards: 1 });
      result.created.push(name);
    } catch (error) {
      const type =
        error instanceof errors.ResponseError ? (error.body as ErrorBody | undefined)?.error?.type : null;
      if (type !== 'resource_already_exists_exception') {
        throw error;
      }
      result.existing.push(name);
    }
  }
  return result;
}

/** Whether every node of the cluster has the mapper-extras module (scaled_float). */
export async function detectSearchCapabilities(client: Client): Promise<SearchCapabilities> {
  const info = await client.nodes.info({ metric: 'plugins' });
  const nodes = Object.values(info.nodes);
  const everywhere = (module: string) =>
    nodes.length > 0 && nodes.every((n) => (n.modules ?? []).some((m) => m.name === module));
  return { scaledFloat: everywhere('mapper-extras') };
}

/** Deletes the three indices and their templates (fresh runs and test clean-up). */
export async function deleteSearchIndices(client: Client, prefix: string): Promise<void> {
  const names = searchIndexNames(prefix);
  for (const index of SEARCH_INDICES) {
    await client.indices.delete({ index: names[index], ignore_unavailable: true });
    await client.indices.deleteIndexTemplate({ name: names[index] }, { ignore: [404] });
  }
}

/** Makes everything written so far visible to searches (tests, benchmarks, end of a run). */
export async function refreshSearchIndices(client: Client, prefix: string): Promise<void> {
  const names = searchIndexNames(prefix);
  await client.indices.refresh({ index: SEARCH_INDICES.map((i) => names[i]), ignore_unavailable: true });
}

function isConnectionProblem(error: unknown): boolean {
  return (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  );
}

/**
 * `_bulk` over the client with the client's own retries off (the BulkWriter retries, counts and
 * backs off). Errors become BulkTransportError: retryable for 429, 5xx and connection problems.
 */
export function elasticsearchBulkTransport(
  client: Client,
  options: { refresh?: boolean | 'wait_for' } = {},
): BulkTransport {
  return {
    async bulk(ndjson: string): Promise<BulkItemResult[]> {
      try {
        const response = await client.transport.request<{ items: Record<string, BulkItemResult>[] }>(
          {
            method: 'POST',
            path: '/_bulk',
            bulkBody: ndjson,
            // Only what the writer reads: the whole answer (index, id, shards, sequence numbers of
            // every item) costs the client more to parse than the request cost it to build.
            querystring: {
              filter_path: 'items.*.status,items.*.error',
              ...(options.refresh === undefined ? {} : { refresh: String(options.refresh) }),
            },
          },
          { maxRetries: 0 },
        );
        return response.items.map((entry) => Object.values(entry)[0] ?? { status: 0 });
      } catch (error) {
        if (error instanceof errors.ResponseError) {
          const status = error.statusCode ?? 0;
          throw new BulkTransportError(error.message, status, status === 429 || status >= 500, {
            cause: error,
          });
        }
        if (isConnectionProblem(error)) {
          throw new BulkTransportError((error as Error).message, null, true, { cause: error });
        }
        throw error;
      }
    },
  };
}

/** The SearchBackend of the canned queries. */
export class ElasticsearchSearchBackend implements SearchBackend {
  constructor(private readonly client: Client) {}

  async search(index: string, body: Record<string, unknown>): Promise<SearchResponse> {
    const response = await this.client.search({ index, ignore_unavailable: true, ...body });
    return response as unknown as SearchResponse;
  }

  async get(index: string, id: string): Promise<Record<string, unknown> | null> {
    const response = await this.client.get<Record<string, unknown>>({ index, id }, { ignore: [404] });
    return response.found ? (response._source ?? {}) : null;
  }
}

/**
 * Writes evaluation documents (`index` with `version_type: external_gte`, version = revision): a
 * replay or an older state arriving late is refused by Elasticsearch as a version conflict, which
 * is the intended outcome and not an error.
 */
export async function writeEvaluations(
  client: Client,
  index: string,
  evaluations: readonly ModelEvaluation[],
): Promise<void> {
  if (evaluations.length === 0) return;
  const operations = evaluations.flatMap((e) => [
    {
      index: {
        _index: index,
        _id: evaluationDocumentId(e),
        version: e.revision,
        version_type: 'external_gte' as const,
      },
    },
    evaluationDocument(e),
  ]);
  const response = await client.bulk({ operations });
  if (!response.errors) return;
  const failed = response.items
    .map((item) => item.index)
    .filter((r) => r?.error && r.status !== 409)
    .map((r) => `${r?._id ?? '?'}: ${r?.error?.reason ?? r?.error?.type ?? 'unknown'}`);
  if (failed.length > 0) {
    throw new AppError('INDEX_REJECTED', `evaluation documents refused: ${failed.join('; ')}`, {
      retryable: true,
    });
  }
}
