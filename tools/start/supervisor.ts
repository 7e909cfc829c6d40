import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  const child = spawn(process.execPath, ['--import', 'tsx', spec.entry, ...(spec.args ?? [])], {
    cwd: root,
    env: { ...env, PORT: String(spec.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
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
