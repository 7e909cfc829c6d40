// Child processes for the stack: one-shot commands (mvn, apt-get, unzip) with their output kept
// for the error message, detached servers with pid files, and stopping a server's process group.
import { spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class CommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Written to the command's standard input (which is closed otherwise). */
  readonly input?: string;
  /** Values masked wherever the command line or its output is shown. */
  readonly secrets?: readonly string[];
}

/** Runs a command to completion; rejects with its last output lines when it fails. */
export function runCommand(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const mask = (text: string): string =>
    (options.secrets ?? []).reduce((masked, secret) => masked.split(secret).join('***'), text);
  const shown = mask([cmd, ...args].join(' '));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    child.stdin?.end(options.input);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      reject(new CommandError(`\`${shown}\` could not start: ${error.message}`, shown, ''));
    });
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolvePromise(output);
      else {
        const why = signal ? `was killed by ${signal}` : `exited with code ${code ?? '?'}`;
        reject(new CommandError(`\`${shown}\` ${why}`, shown, mask(lastLines(output, 40))));
      }
    });
  });
}

/** Whether an executable of that name is on PATH (no shell, no `which`). */
export function commandExists(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

export interface DetachedOptions {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * Starts a server in its own process group (detached) so that it outlives this CLI and `down` can
 * signal the whole group, helpers included (Elasticsearch's launcher runs the server as a child).
 * stdout and stderr are appended to the log file, which the parent opens: the server's user needs
 * no right to it.
 */
export async function spawnDetached(options: DetachedOptions): Promise<number> {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.cmd, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      uid: options.uid,
      gid: options.gid,
    });
    const pid = await new Promise<number>((resolvePromise, reject) => {
      child.once('spawn', () => {
        if (child.pid === undefined) reject(new Error(`${options.cmd} started without a pid`));
        else resolvePromise(child.pid);
      });
      child.once('error', (error) => {
        reject(new CommandError(`could not start ${options.cmd}: ${error.message}`, options.cmd, ''));
      });
    });
    child.unref();
    return pid;
  } finally {
    closeSync(fd);
  }
}

export function readPidFile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

export function writePidFile(path: string, pid: number): void {
  writeFileSync(path, `${pid}\n`);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ProcStat {
  readonly pid: number;
  readonly pgid: number;
  /** Its first field: R, S, D, Z (exited, not yet reaped), X (dead), ... */
  readonly state: string;
}

function readProcStat(path: string, pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, pgid: Number(fields[2]), state: fields[0] ?? '' };
  } catch {
    return undefined;
  }
}

const exited = (state: string): boolean => state === 'Z' || state === 'X';

/**
 * Whether a process whose main thread has exited is still running threads. After SIGKILL the main
 * thread of a multi-threaded server (Redis: its bio and jemalloc threads) can be a zombie at once
 * while another thread is still freeing the address space (a second for a gigabyte), and the open
 * files, its listening socket among them, are closed only when the last thread is done: the process
 * is gone once every thread is.
 */
function threadsRunning(procRoot: string, pid: number): boolean {
  let threads: string[];
  try {
    threads = readdirSync(join(procRoot, String(pid), 'task'));
  } catch {
    return false;
  }
  return threads.some((tid) => {
    const stat = readProcStat(join(procRoot, String(pid), 'task', tid, 'stat'), pid);
    return stat !== undefined && !exited(stat.state);
  });
}

/**
 * Live members of a process group, from /proc (`procRoot` for a spec's fake one): a zombie counts
 * while any of its threads still runs, since it holds its files (ports) until then.
 */
export function processGroupMembers(pgid: number, procRoot = '/proc'): number[] {
  if (!existsSync(join(procRoot, 'self', 'stat'))) return isAlive(pgid) ? [pgid] : [];
  const members: number[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(join(procRoot, entry, 'stat'), pid);
    if (stat?.pgid !== pgid) continue;
    if (!exited(stat.state) || threadsRunning(procRoot, pid)) members.push(pid);
  }
  return members;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * The live members of the group we started, or [] when it is gone. A pid file can outlive its
 * process and the pid be reused: the group only counts as ours if a member's command line
 * carries the server's marker.
 */
export function ourProcessGroup(pid: number, marker: string): number[] {
  const members = processGroupMembers(pid);
  if (!existsSync('/proc/self/cmdline')) return members;
  return members.some((member) => commandLine(member).includes(marker)) ? members : [];
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (processGroupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

export interface StopOutcome {
  readonly killed: boolean;
}

/** SIGTERM to the group, SIGKILL after the grace period; rejects if anything survives. */
export async function stopProcessGroup(pgid: number, graceMs: number): Promise<StopOutcome> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, graceMs)) return { killed: false };
  signalGroup(pgid, 'SIGKILL');
  if (await waitForGroupExit(pgid, 5_000)) return { killed: true };
  throw new Error(`process group ${pgid} survived SIGKILL: pids ${processGroupMembers(pgid).join(', ')}`);
}

/** SIGKILL to the group at once, as a crash would end it; resolves once it is gone. */
export async function killProcessGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGKILL');
  if (!(await waitForGroupExit(pgid, 5_000))) {
    throw new Error(`process group ${pgid} survived SIGKILL: pids ${processGroupMembers(pgid).join(', ')}`);
  }
}

export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-count).join('\n');
}

/** The end of a log file, reading at most its last 256 KiB. */
export function tailFile(path: string, count = 40): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const text = readFileSync(path);
  const start = Math.max(0, text.length - 256 * 1024);
  return lastLines(text.subarray(start).toString('utf8'), count);
}
