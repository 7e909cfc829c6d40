import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { Config } from '@churnstream/config';

/** The Elasticsearch adapter: one way to build a client from our config, and its health probe. */
export function createElasticsearch(config: Config): Client {
  const options: ClientOptions = {
    node: config.ES_URL,
    requestTimeout: 30_000,
    maxRetries: 3,
  };
  if (config.ES_API_KEY) options.auth = { apiKey: config.ES_API_KEY };
  else if (config.ES_USERNAME && config.ES_PASSWORD) {
    options.auth = { username: config.ES_USERNAME, password: config.ES_PASSWORD };
  }
  return new Client(options);
}

export async function pingElasticsearch(client: Client): Promise<{ cluster_status: string; nodes: number }> {
  const health = await client.cluster.health({ timeout: '3s' }, { requestTimeout: 3_000, maxRetries: 0 });
  if (health.status === 'red') throw new Error('cluster health is red');
  return { cluster_status: health.status, nodes: health.number_of_nodes };
}

/** Index names, one place, with the configurable prefix. */
export function indexNames(prefix: string) {
  return {
    customers: `${prefix}-customers`,
    sessions: `${prefix}-sessions`,
    scores: `${prefix}-scores`,
    evaluations: `${prefix}-evaluations`,
  } as const;
}
