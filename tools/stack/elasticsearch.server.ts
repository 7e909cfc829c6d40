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
import { dirname, join } from 'node:path';

import { httpGet, LOOPBACK } from './health.util';
import { runMaven } from './maven.util';
import { commandExists, runCommand, spawnDetached } from './process.util';
import type { StackConfig } from './stack.config';
import { INFRA_ROOT, REPO_ROOT, serverPaths, stackDirs } from './stack.paths';
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

/** The unprivileged user must be able to walk down to .stack/: say so before Elasticsearch fails obscurely. */
function assertTraversable(path: string): void {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new StackError(
        'elasticsearch',
        `${ES_USER} cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}): chmod o+x ${dir}, or keep the repo elsewhere`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

/** Our config folder: the distribution's jvm.options and log4j2.properties, plus our rendered settings. */
function writeConfig(config: StackConfig, confDir: string, dataDir: string, logsDir: string): void {
  if (!existsSync(join(confDir, 'jvm.options'))) cpSync(join(esHome, 'config'), confDir, { recursive: true });
  const template = join(INFRA_ROOT, 'elasticsearch', 'elasticsearch.yml');
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

async function esHealthy(port: number): Promise<boolean> {
  const answer = await httpGet(`http://${LOOPBACK}:${port}/_cluster/health`);
  if (answer.status !== 200) return false;
  const status = (JSON.parse(answer.body) as { status?: unknown }).status;
  return status === 'green' || status === 'yellow';
}

export function elasticsearchServer(config: StackConfig): StackServer {
  const paths = serverPaths('elasticsearch');
  const logsDir = join(stackDirs.logs, 'elasticsearch');
  const tmpDir = join(stackDirs.tmp, 'elasticsearch');

  return {
    name: 'elasticsearch',
    ports: [config.esPort, config.esTransportPort],
    paths,
    // The launcher script, the CLI JVM and the server JVM all carry the install path in their command line.
    processMarker: esHome,
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
      for (const dir of [paths.data, paths.conf, logsDir, tmpDir]) mkdirSync(dir, { recursive: true });
      writeConfig(config, paths.conf, paths.data, logsDir);

      let runAs: RunAs | undefined;
      if (process.getuid?.() === 0) {
        runAs = await ensureEsUser(log);
        assertTraversable(stackDirs.cache);
        const owner = `${runAs.uid}:${runAs.gid}`;
        // The keystore is created in the config folder on first start, so it too must be writable.
        await runCommand('chown', ['-R', owner, paths.data, paths.conf, logsDir, tmpDir]);
        if (statSync(esHome).uid !== runAs.uid) await runCommand('chown', ['-R', owner, esHome]);
      }

      return spawnDetached({
        cmd: join(esHome, 'bin', 'elasticsearch'),
        args: [],
        cwd: esHome,
        env: {
          ...process.env,
          ES_JAVA_HOME: config.javaHome,
          ES_PATH_CONF: paths.conf,
          ES_JAVA_OPTS: HEAP,
          ES_TMPDIR: tmpDir,
        },
        logFile: paths.log,
        ...(runAs ?? {}),
      });
    },

    healthy: () => esHealthy(config.esPort),
  };
}
