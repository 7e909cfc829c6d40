// The local stack's lifecycle (up, down, status, reset) as a programmatic API; main.ts is its CLI.
// scripts/run.mjs uses `started` from stackUp() to bring down only what it brought up.
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { relative } from 'node:path';

import { elasticsearchServer } from './elasticsearch.server';
import { portIsFree, type WaitOptions, waitUntil } from './health.util';
import { kafkaServer } from './kafka.server';
import { withLock } from './lock.util';
import {
  killProcessGroup,
  ourProcessGroup,
  readPidFile,
  removePidFile,
  stopProcessGroup,
  tailFile,
  writePidFile,
} from './process.util';
import { redisServer } from './redis.server';
import { loadOrCreateSecrets } from './secure.secrets';
import { writeSecureEnv } from './secure.env';
import { loadStackConfig, type StackConfig } from './stack.config';
import { REPO_ROOT, type StackDirs } from './stack.paths';
import { type Log, SERVER_NAMES, type ServerName, StackError, type StackServer } from './server.types';

export { SERVER_NAMES, type ServerName, StackError } from './server.types';

const LOG_TAIL_LINES = 40;
const LOCK_TIMEOUT_MS = 10 * 60 * 1000;
const KICKOFF_ORDER: readonly ServerName[] = ['elasticsearch', 'kafka', 'redis'];

export interface StackOptions {
  /** Which servers; all of them by default. */
  readonly servers?: readonly ServerName[];
  /** Progress lines; silent by default. */
  readonly log?: Log;
  readonly config?: StackConfig;
}

export interface ServerFailure {
  readonly server: ServerName;
  readonly message: string;
  /** Log tail or command output. */
  readonly detail?: string;
}

export interface UpResult {
  readonly ok: boolean;
  /** Started by this call: what a caller that wants to leave things as it found them brings down. */
  readonly started: ServerName[];
  /** Already running and healthy before this call. */
  readonly alreadyRunning: ServerName[];
  readonly failed: ServerFailure[];
}

export interface DownResult {
  readonly ok: boolean;
  readonly stopped: ServerName[];
  readonly notRunning: ServerName[];
  readonly failed: ServerFailure[];
}

export type Health = 'up' | 'down' | 'unhealthy';

export interface ServerStatus {
  readonly server: ServerName;
  readonly version: string;
  readonly host: string;
  readonly ports: readonly number[];
  readonly pid?: number;
  readonly health: Health;
  readonly logFile: string;
}

const silent: Log = () => undefined;

function selectServers(options: StackOptions): StackServer[] {
  const config = options.config ?? loadStackConfig();
  const all: Record<ServerName, StackServer> = {
    redis: redisServer(config),
    kafka: kafkaServer(config),
    elasticsearch: elasticsearchServer(config),
  };
  const wanted = options.servers ?? SERVER_NAMES;
  return SERVER_NAMES.filter((name) => wanted.includes(name)).map((name) => all[name]);
}

/** Runs `fn` holding the stack lock, so that two stack commands never start or stop servers at once. */
function exclusively<T>(dirs: StackDirs, log: Log, fn: () => Promise<T>): Promise<T> {
  ensureStackDirs(dirs);
  return withLock(
    `${dirs.run}/stack.lock`,
    LOCK_TIMEOUT_MS,
    (pid) => {
      log(`waiting for another stack command (pid ${pid}) to finish ...`);
    },
    fn,
  );
}

function ensureStackDirs(dirs: StackDirs): void {
  for (const dir of Object.values(dirs) as string[]) mkdirSync(dir, { recursive: true });
}

/** Shown paths are relative to the repo root: shorter, and the same on every machine. */
export function displayPath(path: string): string {
  return relative(REPO_ROOT, path);
}

function runningGroup(server: StackServer): { pid: number; members: number[] } | undefined {
  const pid = readPidFile(server.paths.pid);
  if (pid === undefined) return undefined;
  const members = ourProcessGroup(pid, server.processMarker);
  return members.length > 0 ? { pid, members } : undefined;
}

function failure(server: StackServer, message: string, detail?: string): StackError {
  return new StackError(server.name, message, detail);
}

function logTail(server: StackServer): string {
  return `--- last ${LOG_TAIL_LINES} lines of ${displayPath(server.paths.log)} ---\n${tailFile(server.paths.log, LOG_TAIL_LINES)}`;
}

async function assertPortsFree(server: StackServer): Promise<void> {
  for (const port of server.ports) {
    if (!(await portIsFree(port))) {
      throw failure(
        server,
        `port ${port} on 127.0.0.1 is taken by a process this stack did not start; stop it or choose other ports (STACK_*_PORT)`,
      );
    }
  }
}

type UpOutcome = 'started' | 'alreadyRunning';

/** The health deadline, which a server still loading its data is given more time past. */
function healthWait(server: StackServer): WaitOptions {
  return {
    timeoutMs: server.healthTimeoutMs,
    intervalMs: 300,
    ...(server.loading ? { loading: () => server.loading?.() ?? Promise.resolve(false) } : {}),
    ...(server.loadingTimeoutMs ? { loadingTimeoutMs: server.loadingTimeoutMs } : {}),
  };
}

async function upOne(server: StackServer, log: Log): Promise<UpOutcome> {
  const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
  const running = runningGroup(server);
  if (running) {
    if (await server.healthy().catch(() => false)) return 'alreadyRunning';
    // Running but not healthy yet: most likely still starting (another `up`, or one that timed out).
    log(`${server.name}: running (pid ${running.pid}) but not healthy yet, waiting ...`);
    const outcome = await waitUntil(() => server.healthy(), healthWait(server));
    if (outcome.ok) return 'alreadyRunning';
    throw failure(
      server,
      `pid ${running.pid} is running but ${outcome.reason}; run \`down\` and \`up\` again`,
      logTail(server),
    );
  }
  removePidFile(server.paths.pid);

  await server.install(log);
  await assertPortsFree(server);
  const since = Date.now();
  // A banner per start: the log tail of a failed start then shows where this run begins.
  appendFileSync(
    server.paths.log,
    `\n===== tools/stack: starting ${server.name} ${server.version()} at ${new Date().toISOString()} =====\n`,
  );
  log(
    `${server.name}: starting ${server.name} ${server.version()} on 127.0.0.1:${server.ports.join('/')} ...`,
  );
  const pid = await server.start(log);
  writePidFile(server.paths.pid, pid);

  const outcome = await waitUntil(() => server.healthy(), {
    ...healthWait(server),
    abortReason: () =>
      ourProcessGroup(pid, server.processMarker).length === 0
        ? 'its process exited during start-up'
        : undefined,
  });
  if (!outcome.ok) {
    // Leave nothing half-started behind: the caller was told it failed and will not stop it.
    await stopProcessGroup(pid, 5_000).catch(() => undefined);
    removePidFile(server.paths.pid);
    throw failure(server, `did not become healthy: ${outcome.reason} (pid ${pid})`, logTail(server));
  }
  log(`${server.name}: healthy after ${seconds(since)} (pid ${pid}, log ${displayPath(server.paths.log)})`);
  return 'started';
}

function toFailure(name: ServerName, error: unknown): ServerFailure {
  if (error instanceof StackError) {
    return { server: error.server, message: error.message, detail: error.detail };
  }
  const detail = error instanceof Error && 'output' in error ? String(error.output) : undefined;
  return { server: name, message: error instanceof Error ? error.message : String(error), detail };
}

/** Starts whatever is not running yet (in parallel), waits for every server's health. */
export async function stackUp(options: StackOptions = {}): Promise<UpResult> {
  const log = options.log ?? silent;
  const config = options.config ?? loadStackConfig();
  const servers = selectServers({ ...options, config });
  return exclusively(config.dirs, log, async () => {
    // Slowest first: Maven fetches run one at a time, and Elasticsearch's start should not queue
    // behind Kafka's jars. Results are reported in the usual order.
    const kickoff = [...servers].sort(
      (a, b) => KICKOFF_ORDER.indexOf(a.name) - KICKOFF_ORDER.indexOf(b.name),
    );
    const settled = await Promise.allSettled(
      kickoff.map(async (server) => {
        const outcome = await upOne(server, log);
        await server.provision?.(log);
        return outcome;
      }),
    );
    const outcomes = new Map(kickoff.map((server, index) => [server.name, settled[index]]));
    const result: UpResult = { ok: true, started: [], alreadyRunning: [], failed: [] };
    for (const { name } of servers) {
      const outcome = outcomes.get(name);
      if (outcome?.status === 'fulfilled') result[outcome.value].push(name);
      else result.failed.push(toFailure(name, outcome?.reason));
    }
    if (config.profile === 'secure' && result.failed.length === 0) {
      log(
        `secure: credentials for the apps and tests in ${displayPath(writeSecureEnv(config, loadOrCreateSecrets()))}`,
      );
    }
    return { ...result, ok: result.failed.length === 0 };
  });
}

type DownOutcome = 'stopped' | 'notRunning';

async function downOne(server: StackServer, stopTimeoutMs: number, log: Log): Promise<DownOutcome> {
  const running = runningGroup(server);
  if (!running) {
    removePidFile(server.paths.pid);
    return 'notRunning';
  }
  const { killed } = await stopProcessGroup(running.pid, stopTimeoutMs);
  removePidFile(server.paths.pid);
  if (ourProcessGroup(running.pid, server.processMarker).length > 0) {
    throw failure(server, `process group ${running.pid} is still alive after SIGKILL`);
  }
  log(
    `${server.name}: stopped (pid ${running.pid}${killed ? `, needed SIGKILL after ${stopTimeoutMs / 1000} s` : ''})`,
  );
  return 'stopped';
}

/** Stops the servers by their pid files (SIGTERM to the group, SIGKILL after the grace period). */
export async function stackDown(options: StackOptions = {}): Promise<DownResult> {
  const log = options.log ?? silent;
  const config = options.config ?? loadStackConfig();
  const servers = selectServers({ ...options, config });
  return exclusively(config.dirs, log, async () => {
    const outcomes = await Promise.allSettled(
      servers.map((server) => downOne(server, config.stopTimeoutMs, log)),
    );
    const result: DownResult = { ok: true, stopped: [], notRunning: [], failed: [] };
    outcomes.forEach((outcome, index) => {
      const name = servers[index]?.name ?? 'redis';
      if (outcome.status === 'fulfilled') result[outcome.value].push(name);
      else result.failed.push(toFailure(name, outcome.reason));
    });
    return { ...result, ok: result.failed.length === 0 };
  });
}

/**
 * Kills the servers with SIGKILL (no shutdown, as a crash or the OOM killer would), for fault tests;
 * `up` starts them again on the data they left.
 */
export async function stackKill(options: StackOptions = {}): Promise<DownResult> {
  const log = options.log ?? silent;
  const config = options.config ?? loadStackConfig();
  const servers = selectServers({ ...options, config });
  return exclusively(config.dirs, log, async () => {
    const result: DownResult = { ok: true, stopped: [], notRunning: [], failed: [] };
    for (const server of servers) {
      const running = runningGroup(server);
      if (!running) {
        result.notRunning.push(server.name);
        continue;
      }
      await killProcessGroup(running.pid);
      removePidFile(server.paths.pid);
      log(`${server.name}: killed (pid ${running.pid})`);
      result.stopped.push(server.name);
    }
    return result;
  });
}

async function statusOne(server: StackServer): Promise<ServerStatus> {
  const running = runningGroup(server);
  const healthy = await server.healthy().catch(() => false);
  let health: Health = 'down';
  if (running) health = healthy ? 'up' : 'unhealthy';
  return {
    server: server.name,
    version: server.version(),
    host: '127.0.0.1',
    ports: server.ports,
    ...(running ? { pid: running.pid } : {}),
    health,
    logFile: server.paths.log,
  };
}

/** Each server's state: `up` only when our process runs and answers its health check. */
export async function stackStatus(options: StackOptions = {}): Promise<ServerStatus[]> {
  return Promise.all(selectServers(options).map(statusOne));
}

/** `down`, then delete the servers' data (the download cache stays). */
export async function stackReset(options: StackOptions = {}): Promise<DownResult> {
  const config = options.config ?? loadStackConfig();
  const result = await stackDown({ ...options, config });
  if (!result.ok) return result;
  const log = options.log ?? silent;
  const all = options.servers === undefined;
  for (const server of selectServers({ ...options, config }))
    rmSync(server.paths.data, { recursive: true, force: true });
  if (all) {
    rmSync(config.dirs.data, { recursive: true, force: true });
    rmSync(config.dirs.tmp, { recursive: true, force: true });
  }
  log(`deleted ${all ? displayPath(config.dirs.data) : 'the data of ' + (options.servers ?? []).join(', ')}`);
  return result;
}
