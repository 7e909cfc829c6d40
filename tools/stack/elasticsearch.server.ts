// Elasticsearch from the JDK-less integ-test-zip on Maven Central, as an unprivileged user when we
// are root (Elasticsearch refuses to run as root).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type HttpOptions, httpRequest, LOOPBACK } from './health.util';
import { ensureEsUsers } from './elasticsearch.users';
import { loadOrCreateSecrets } from './secure.secrets';
import { ensureCertificates, tlsFiles } from './secure.tls';
import { runMaven } from './maven.util';
import { commandExists, runCommand, spawnDetached } from './process.util';
import type { StackConfig } from './stack.config';
import { INFRA_ROOT, REPO_ROOT, STACK_ROOT, serverPaths, stackDirs } from './stack.paths';
import { type Log, StackError, type StackServer } from './server.types';
import { renderTemplate } from './template.util';
import { ELASTICSEARCH_VERSION } from './versions';

export const ES_USER = 'churnstream-es';
const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;
const HEAP = '-Xms512m -Xmx512m';

export const esHome = join(stackDirs.cache, `elasticsearch-${ELASTICSEARCH_VERSION}`);

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

async function unzip(zip: string, into: string): Promise<void> {
  if (commandExists('unzip')) {
    await runCommand('unzip', ['-q', zip, '-d', into]);
    return;
  }
  // Python's zipfile drops the executable bits that unzip keeps.
  await runCommand('python3', ['-m', 'zipfile', '-e', zip, into]);
  await runCommand('chmod', ['-R', 'a+x', join(into, `elasticsearch-${ELASTICSEARCH_VERSION}`, 'bin')]);
}

async function fetchDistribution(log: Log): Promise<void> {
  log(`elasticsearch: fetching Elasticsearch ${ELASTICSEARCH_VERSION} (Maven, integ-test-zip) ...`);
  const partial = `${esHome}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await runMaven(['dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${partial}`], REPO_ROOT);
  const zip = join(partial, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
  log(`elasticsearch: unpacking ${zip} ...`);
  await unzip(zip, partial);
  rmSync(esHome, { recursive: true, force: true });
  renameSync(join(partial, `elasticsearch-${ELASTICSEARCH_VERSION}`), esHome);
  rmSync(partial, { recursive: true, force: true });
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  return Number((await runCommand('id', [flag, ES_USER])).trim());
}

/** As root: the system user that runs Elasticsearch, created on first use. */
async function ensureEsUser(log: Log): Promise<RunAs> {
  try {
    return { uid: await idOf('-u'), gid: await idOf('-g') };
  } catch {
    log(`elasticsearch: creating system user ${ES_USER} (Elasticsearch refuses to run as root) ...`);
    await runCommand('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ES_USER]);
    return { uid: await idOf('-u'), gid: await idOf('-g') };
  }
}

/** The first directory on the way down to `path` that other users cannot enter, if any. */
export function untraversableAncestor(path: string): string | undefined {
  let blocked: string | undefined;
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) blocked = dir;
    if (dirname(dir) === dir) return blocked;
  }
}

/** Where Elasticsearch's distribution and state live for this checkout. */
interface EsLayout {
  readonly home: string;
  readonly data: string;
  readonly conf: string;
  readonly logs: string;
  readonly tmp: string;
  /** Set when the repo is not reachable by the unprivileged user: the directory in the way. */
  readonly blockedBy?: string;
}

/**
 * Inside .stack/ as a rule. As root, Elasticsearch runs as ES_USER, which must walk down to its
 * files; when the checkout sits below a directory others cannot enter (a `mktemp -d` clone, /root),
 * the distribution (hard-linked from the cache) and the state live in a folder of the system's temp
 * directory named after the checkout, rather than loosening permissions on the user's directories.
 */
function esLayout(config: StackConfig): EsLayout {
  const paths = serverPaths('elasticsearch', config.dirs);
  const inRepo = {
    home: esHome,
    data: paths.data,
    conf: paths.conf,
    logs: join(config.dirs.logs, 'elasticsearch'),
    tmp: join(config.dirs.tmp, 'elasticsearch'),
  };
  if (process.getuid?.() !== 0) return inRepo;
  const blockedBy = untraversableAncestor(STACK_ROOT);
  if (blockedBy === undefined) return inRepo;
  const profile = config.profile === 'plain' ? '' : `-${config.profile}`;
  const root = join(
    tmpdir(),
    `churnstream-es-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12)}${profile}`,
  );
  return {
    home: join(root, `elasticsearch-${ELASTICSEARCH_VERSION}`),
    data: join(root, 'data'),
    conf: join(root, 'conf'),
    logs: join(root, 'logs'),
    tmp: join(root, 'tmp'),
    blockedBy,
  };
}

/** Where Elasticsearch writes its own logs (beside the launcher output in the profile's logs folder). */
export function elasticsearchLogsDir(config: StackConfig): string {
  return esLayout(config).logs;
}

/** The distribution at the layout's home: hard links to the cache where the filesystem allows, else a copy. */
async function provideHome(home: string): Promise<void> {
  if (home === esHome || existsSync(join(home, 'bin', 'elasticsearch'))) return;
  mkdirSync(dirname(home), { recursive: true });
  rmSync(home, { recursive: true, force: true });
  try {
    await runCommand('cp', ['-al', esHome, home]);
  } catch {
    rmSync(home, { recursive: true, force: true });
    await runCommand('cp', ['-a', esHome, home]);
  }
}

/** Our config folder: the distribution's jvm.options and log4j2.properties, plus our rendered settings. */
function writeConfig(
  config: StackConfig,
  home: string,
  confDir: string,
  dataDir: string,
  logsDir: string,
): void {
  if (!existsSync(join(confDir, 'jvm.options'))) cpSync(join(home, 'config'), confDir, { recursive: true });
  const secure = config.profile === 'secure';
  if (secure) {
    // Elasticsearch reads TLS files from inside its config folder only.
    mkdirSync(join(confDir, 'tls'), { recursive: true });
    for (const [from, to] of [
      [tlsFiles.caCert, 'ca.pem'],
      [tlsFiles.serverCert, 'server.pem'],
      [tlsFiles.serverKey, 'server.key'],
    ] as const)
      cpSync(from, join(confDir, 'tls', to));
  }
  const template = join(
    INFRA_ROOT,
    'elasticsearch',
    secure ? 'elasticsearch.secure.yml' : 'elasticsearch.yml',
  );
  writeFileSync(
    join(confDir, 'elasticsearch.yml'),
    renderTemplate(
      readFileSync(template, 'utf8'),
      { httpPort: config.esPort, transportPort: config.esTransportPort, dataDir, logsDir },
      template,
    ),
  );
  mkdirSync(join(confDir, 'jvm.options.d'), { recursive: true });
  // The stock GC log rotates up to 32 x 64 MiB files; warnings on stderr are enough locally.
  writeFileSync(
    join(confDir, 'jvm.options.d', 'churnstream.options'),
    '-Xlog:disable\n-Xlog:all=warning:stderr:utctime,level,tags\n',
  );
}

/** How the stack's tools reach Elasticsearch: plain http, or https as `elastic` trusting our CA. */
export function stackEsRequest(
  config: StackConfig,
): (path: string, options?: HttpOptions) => ReturnType<typeof httpRequest> {
  if (config.profile === 'plain')
    return (path, options) => httpRequest(`http://${LOOPBACK}:${config.esPort}${path}`, options);
  return (path, options) => {
    const basic = Buffer.from(`elastic:${loadOrCreateSecrets().elastic}`).toString('base64');
    return httpRequest(`https://${LOOPBACK}:${config.esPort}${path}`, {
      ...options,
      ca: readFileSync(tlsFiles.caCert, 'utf8'),
      headers: { authorization: `Basic ${basic}`, ...options?.headers },
    });
  };
}

/** The secured node's keystore, holding the `elastic` password (bootstrap.password) read from stdin. */
async function ensureKeystore(config: StackConfig, home: string, confDir: string): Promise<void> {
  if (existsSync(join(confDir, 'elasticsearch.keystore'))) return;
  const env = { ...process.env, ES_JAVA_HOME: config.javaHome, ES_PATH_CONF: confDir };
  const tool = join(home, 'bin', 'elasticsearch-keystore');
  await runCommand(tool, ['create'], { env });
  const password = loadOrCreateSecrets().elastic;
  await runCommand(tool, ['add', '-x', '-f', 'bootstrap.password'], {
    env,
    input: password,
    secrets: [password],
  });
}

async function esHealthy(config: StackConfig): Promise<boolean> {
  const answer = await stackEsRequest(config)('/_cluster/health');
  if (answer.status !== 200) return false;
  const status = (JSON.parse(answer.body) as { status?: unknown }).status;
  return status === 'green' || status === 'yellow';
}

export function elasticsearchServer(config: StackConfig): StackServer {
  const layout = esLayout(config);
  const secure = config.profile === 'secure';
  // reset deletes `data`, wherever the layout put it; the launcher's output stays in .stack/logs.
  const paths = { ...serverPaths('elasticsearch', config.dirs), data: layout.data, conf: layout.conf };

  return {
    name: 'elasticsearch',
    ports: [config.esPort, config.esTransportPort],
    paths,
    // The launcher script, the CLI JVM and the server JVM all carry the install path in their command line.
    processMarker: layout.home,
    healthTimeoutMs: config.esHealthTimeoutMs,

    version: () => ELASTICSEARCH_VERSION,

    async install(log) {
      if (existsSync(join(esHome, 'bin', 'elasticsearch'))) return;
      await fetchDistribution(log);
    },

    async start(log) {
      if (!existsSync(join(config.javaHome, 'bin', 'java'))) {
        throw new StackError(
          'elasticsearch',
          `no Java at ${config.javaHome}: install openjdk-17-jdk-headless or set STACK_JAVA_HOME`,
        );
      }
      if (layout.blockedBy !== undefined) {
        log(
          `elasticsearch: ${ES_USER} cannot enter ${layout.blockedBy}, so it runs from ${dirname(layout.home)}`,
        );
      }
      await provideHome(layout.home);
      for (const dir of [layout.data, layout.conf, layout.logs, layout.tmp])
        mkdirSync(dir, { recursive: true });
      if (secure) await ensureCertificates(loadOrCreateSecrets().kafkaStore, config.javaHome, log);
      writeConfig(config, layout.home, layout.conf, layout.data, layout.logs);
      if (secure) {
        await ensureKeystore(config, layout.home, layout.conf);
        await ensureEsUsers(config, layout.home, layout.conf);
      }

      let runAs: RunAs | undefined;
      if (process.getuid?.() === 0) {
        runAs = await ensureEsUser(log);
        const blocked = untraversableAncestor(layout.home);
        if (blocked !== undefined) {
          throw new StackError('elasticsearch', `${ES_USER} cannot enter ${blocked}: chmod o+x ${blocked}`);
        }
        const owner = `${runAs.uid}:${runAs.gid}`;
        // The keystore is created in the config folder on first start, so it too must be writable.
        await runCommand('chown', ['-R', owner, layout.data, layout.conf, layout.logs, layout.tmp]);
        if (statSync(layout.home).uid !== runAs.uid) await runCommand('chown', ['-R', owner, layout.home]);
      }

      return spawnDetached({
        cmd: join(layout.home, 'bin', 'elasticsearch'),
        args: [],
        cwd: layout.home,
        env: {
          ...process.env,
          ES_JAVA_HOME: config.javaHome,
          ES_PATH_CONF: layout.conf,
          ES_JAVA_OPTS: HEAP,
          ES_TMPDIR: layout.tmp,
        },
        logFile: paths.log,
        ...(runAs ?? {}),
      });
    },

    healthy: () => esHealthy(config),
  };
}
