import { Client, type ClientOptions, errors } from '@elastic/elasticsearch';
import { type Config, readCaFile, settingName, untrustedCertificateError } from '@churnstream/config';
import { AppError } from '@churnstream/errors';

/** The Elasticsearch adapter: one way to build a client from our config, and its health probe. */
export function createElasticsearch(config: Config): Client {
  const options: ClientOptions = {
    node: config.ES_URL,
    requestTimeout: 30_000,
    maxRetries: 3,
  };
  const ca = readCaFile(config.ES_CA_FILE);
  if (ca) options.tls = { ca };
  if (config.ES_API_KEY) options.auth = { apiKey: config.ES_API_KEY };
  else if (config.ES_USERNAME && config.ES_PASSWORD) {
    options.auth = { username: config.ES_USERNAME, password: config.ES_PASSWORD };
  }
  return new Client(options);
}

/** The setting(s) that carry this config's Elasticsearch credentials, for messages. */
function credentialSetting(config: Config): string | undefined {
  if (config.ES_API_KEY) return settingName(config, 'ES_API_KEY');
  if (config.ES_USERNAME)
    return `${settingName(config, 'ES_USERNAME')}/${settingName(config, 'ES_PASSWORD')}`;
  return undefined;
}

/**
 * Start-up check: Elasticsearch accepts our credentials and certificate (one cluster health call,
 * which every app's key may make). 401 and 403 are final and become one DEPENDENCY_REFUSED error
 * naming the setting; an unreachable cluster is left to the client's retries.
 */
export async function verifyElasticsearchAccess(client: Client, config: Config): Promise<void> {
  try {
    await client.cluster.health({}, { requestTimeout: 20_000, maxRetries: 0 });
  } catch (error) {
    const setting = credentialSetting(config);
    if (error instanceof errors.ResponseError && (error.statusCode === 401 || error.statusCode === 403)) {
      const message =
        setting === undefined
          ? `Elasticsearch requires credentials (${error.statusCode}): set ES_API_KEY or ES_USERNAME and ES_PASSWORD`
          : `Elasticsearch rejected ${setting} (${error.statusCode})`;
      throw new AppError('DEPENDENCY_REFUSED', message, { cause: error });
    }
    const untrusted = untrustedCertificateError('Elasticsearch', 'ES_CA_FILE', error);
    if (untrusted) throw untrusted;
  }
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
