/**
 * What the canned queries need from a search server, and nothing more: the queries stay pure
 * (request bodies in, shaped results out) and the Elasticsearch client stays in the adapter.
 */
export interface SearchHit {
  _id: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

export interface SearchResponse {
  hits: { total?: number | { value: number }; hits: SearchHit[] };
  aggregations?: Record<string, unknown>;
}

export interface SearchBackend {
  search(index: string, body: Record<string, unknown>): Promise<SearchResponse>;
  /** The document's source, or null when there is no such document (or index). */
  get(index: string, id: string): Promise<Record<string, unknown> | null>;
}

export function totalHits(response: SearchResponse): number {
  const total = response.hits.total;
  if (total === undefined) return response.hits.hits.length;
  return typeof total === 'number' ? total : total.value;
}
