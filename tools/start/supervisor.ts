import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail } from '../pipeline/run.options';
import { DEFAULT_RESTART_POLICY, type RestartPolicy, nextRestart } from './restart.policy';
import type { ServiceSpec } from './services';

export interface RunningService {
  spec: ServiceSpec;
  child: ChildProcess;
  logPath: string;
  exited: Promise<number | null>;
}

/**
 * Starts each app as its own Node process (logs to .stack/logs/<app>.log), waits until each /health
 * answers 200, and stops them with SIGTERM (SIGKILL after a grace period) so consumers leave their
 * groups cleanly.
 */
export function startService(root: string, spec: ServiceSpec, env: NodeJS.ProcessEnv): RunningService {
  const logDir = join(root, '.stack', 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${spec.logName ?? spec.name}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  // A compiled entry (dist/**/*.js, from `nest build`) runs on plain Node; a source entry through tsx.
  const loader = spec.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  // Node refuses --cpu-prof in NODE_OPTIONS; this is how a load test profiles the apps it starts.
  const profile = env.CHURNSTREAM_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${join(env.CHURNSTREAM_CPU_PROF_DIR, spec.logName ?? spec.name)}`]
    : [];
  const child = spawn(process.execPath, [...profile, ...loader, spec.entry, ...(spec.args ?? [])], {
    cwd: root,
    env: { ...env, PORT: String(spec.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Two sources into one log: neither may end it (the first to finish would cut the other's last
  // lines, the ones that say why it died). It ends once both pipes closed, and `exited` resolves
  // only when the log is on disk, so a tail read then shows the end.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      log.end(() => {
        resolve(code);
      });
    });
  });
  return { spec, child, logPath, exited };
}

export async function healthOf(port: number): Promise<{ ok: boolean; body: unknown }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) });
    return { ok: response.status === 200, body: await response.json() };
  } catch (error) {
    return { ok: false, body: { error: (error as Error).message } };
  }
}

export async function waitHealthy(service: RunningService, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  while (Date.now() < until && !exited) {
    if ((await healthOf(service.spec.port)).ok) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export async function stopService(service: RunningService, graceMs = 15_000): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  await service.exited;
  clearTimeout(timer);
}

/** How a process ended, in words: `exit code 1` or `killed by SIGKILL`. */
export function describeExit(child: ChildProcess): string {
  return child.signalCode ? `killed by ${child.signalCode}` : `exit code ${child.exitCode ?? '?'}`;
}

export interface SupervisorEvents {
  /** An app exited unexpectedly: its name, how, and its log's last lines. */
  onExit?(service: RunningService, how: string, tail: string): void;
  onRestart?(service: RunningService, restarts: number): void;
}

/**
 * Keeps apps running: one that exits unexpectedly is named, its log tail handed to `onExit`, and it
 * is started again (same spec, same environment) after the restart policy's delay. `gaveUp` resolves
 * with a reason once an app crashed too often in a short time; the caller then stops the run.
 */
export class Supervisor {
  private readonly current = new Map<string, RunningService>();
  private readonly crashes = new Map<string, number[]>();
  readonly restarts = new Map<string, number>();
  private stopping = false;
  private giveUp: (reason: string) => void = () => undefined;
  readonly gaveUp = new Promise<string>((resolve) => {
    this.giveUp = resolve;
  });

  constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly events: SupervisorEvents = {},
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** Supervises an app that is already started; returns it. */
  watch(service: RunningService): RunningService {
    this.current.set(service.spec.name, service);
    void service.exited.then(() => {
      this.exited(service);
    });
    return service;
  }

  start(spec: ServiceSpec): RunningService {
    return this.watch(startService(this.root, spec, this.env));
  }

  /** The running instance of each app (the latest after restarts). */
  services(): RunningService[] {
    return [...this.current.values()];
  }

  service(name: string): RunningService | undefined {
    return this.current.get(name);
  }

  private exited(service: RunningService): void {
    const name = service.spec.name;
    if (this.stopping || this.current.get(name) !== service) return;
    const how = describeExit(service.child);
    this.events.onExit?.(service, how, logTail(service.logPath));
    if (service.child.exitCode === 0) return;
    const now = Date.now();
    const decision = nextRestart(this.crashes.get(name) ?? [], now, this.policy);
    this.crashes.set(name, [...(this.crashes.get(name) ?? []), now]);
    if (decision.giveUp) {
      this.giveUp(
        `${name} crashed ${decision.crashes} times within ${this.policy.windowMs / 1000} s (last: ${how})`,
      );
      return;
    }
    setTimeout(() => {
      if (this.stopping) return;
      const restarts = (this.restarts.get(name) ?? 0) + 1;
      this.restarts.set(name, restarts);
      const next = this.start(service.spec);
      this.events.onRestart?.(next, restarts);
    }, decision.delayMs);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.services().map((s) => stopService(s)));
  }
}
