import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import {
  CANNED_QUERIES,
  type QueryOutcome,
  type SearchBackend,
  type SearchIndexNames,
  runQuery,
  searchIndexNames,
} from '@churnstream/search';
import { CONFIG } from '@churnstream/service-kit';
import { SEARCH_BACKEND } from './api.tokens';

/** The API's use case: run one canned query by name with raw (query-string) parameters. */
@Injectable()
export class QueryService {
  private readonly indices: SearchIndexNames;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(SEARCH_BACKEND) private readonly backend: SearchBackend,
  ) {
    this.indices = searchIndexNames(config.ES_INDEX_PREFIX);
  }

  list(): { name: string; summary: string; path: string }[] {
    return CANNED_QUERIES.map((q) => ({ name: q.name, summary: q.summary, path: `/queries/${q.name}` }));
  }

  run(name: string, raw: Record<string, unknown>): Promise<QueryOutcome> {
    return runQuery(this.backend, this.indices, name, raw);
  }
}
