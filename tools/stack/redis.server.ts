// Redis from the OS packages, run as our own instance with our own config (infra/redis/redis.conf).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { portIsFree, redisLoading, redisPing } from './health.util';
import { commandExists, runCommand, spawnDetached } from './process.util';
import type { StackConfig } from './stack.config';
import { loadOrCreateSecrets, writePrivate } from './secure.secrets';
import { ensureCertificates, tlsFiles } from './secure.tls';
import { INFRA_ROOT, serverPaths } from './stack.paths';
import { type Log, StackError, type StackServer } from './server.types';
import { renderTemplate } from './template.util';
import { REDIS_MAJOR_VERSION } from './versions';

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

function installedVersion(): string | undefined {
  try {
    const out = execFileSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5_000 });
    return /v=(\d+\.\d+\.\d+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Debian starts a system redis-server on 6379 as part of the install (where an init system runs),
 * which would take our port. We stop it only right after installing the package ourselves.
 */
async function stopDistributionService(port: number, log: Log): Promise<void> {
  if (await portIsFree(port)) return;
  const viaSystemd = existsSync('/run/systemd/system') && commandExists('systemctl');
  try {
    if (viaSystemd) await runCommand('systemctl', ['disable', '--now', 'redis-server']);
    else await runCommand('service', ['redis-server', 'stop']);
    log(`redis: stopped the redis-server service that apt started on port ${port}`);
  } catch {
    // The port check before starting our instance reports a port that is still taken.
  }
}

/** The key pattern of the apps' ACL user: the default REDIS_KEY_PREFIX. */
export const REDIS_APP_KEY_PATTERN = 'churnstream:*';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function secureValues(config: StackConfig, log: Log): Promise<Record<string, string>> {
  const secrets = loadOrCreateSecrets();
  return ensureCertificates(secrets.kafkaStore, config.javaHome, log).then(() => ({
    certFile: tlsFiles.serverCert,
    keyFile: tlsFiles.serverKey,
    caFile: tlsFiles.caCert,
    adminHash: sha256(secrets.redis.admin),
    appHash: sha256(secrets.redis.churnstream),
    keyPattern: REDIS_APP_KEY_PATTERN,
  }));
}

export function redisServer(config: StackConfig): StackServer {
  const paths = serverPaths('redis', config.dirs);
  const port = config.redisPort;
  const secure = config.profile === 'secure';
  const auth = () =>
    secure
      ? {
          ca: readFileSync(tlsFiles.caCert, 'utf8'),
          username: 'admin',
          password: loadOrCreateSecrets().redis.admin,
        }
      : undefined;

  return {
    name: 'redis',
    ports: [port],
    paths,
    processMarker: 'redis-server',
    healthTimeoutMs: config.redisHealthTimeoutMs,

    version: () => installedVersion() ?? 'not installed',

    async install(log) {
      if (commandExists('redis-server')) return;
      if (process.getuid?.() !== 0) {
        throw new StackError(
          'redis',
          'redis-server is not installed; as root: apt-get install -y redis-server',
        );
      }
      if (!commandExists('apt-get')) {
        throw new StackError(
          'redis',
          'redis-server is not installed and there is no apt-get to install it with',
        );
      }
      log('redis: installing redis-server (apt-get update && apt-get install -y redis-server) ...');
      await runCommand('apt-get', ['update'], { env: APT_ENV });
      await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], {
        env: APT_ENV,
      });
      await stopDistributionService(port, log);
      log(`redis: installed redis-server ${installedVersion() ?? '?'}`);
    },

    async start(log) {
      const version = installedVersion();
      const major = Number(version?.split('.')[0]);
      if (major < REDIS_MAJOR_VERSION) {
        log(`redis: warning: redis-server ${version ?? '?'} is older than ${REDIS_MAJOR_VERSION}.x`);
      }
      mkdirSync(paths.data, { recursive: true });
      mkdirSync(paths.conf, { recursive: true });
      const confFile = join(paths.conf, 'redis.conf');
      const template = join(INFRA_ROOT, 'redis', secure ? 'redis.secure.conf' : 'redis.conf');
      const values = {
        port,
        dataDir: paths.data,
        logFile: paths.log,
        pidFile: paths.pid,
        ...(secure ? await secureValues(config, log) : {}),
      };
      writePrivate(confFile, renderTemplate(readFileSync(template, 'utf8'), values, template));
      return spawnDetached({ cmd: 'redis-server', args: [confFile], logFile: paths.log, cwd: paths.data });
    },

    healthy: () => redisPing(port, 1_000, auth()),
    loading: () => redisLoading(port, 1_000, auth()),
    loadingTimeoutMs: config.redisLoadingTimeoutMs,
  };
}
