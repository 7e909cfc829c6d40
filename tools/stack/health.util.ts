// Health probes (raw TCP, HTTP) and a deadline-bounded poll: tests wait on health, never on a sleep.
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const LOOPBACK = '127.0.0.1';

export type WaitOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked between probes: a reason to give up early (e.g. the process has exited). */
  readonly abortReason?: () => string | undefined;
}

/** Polls `probe` until it answers true, the deadline passes or `abortReason` says stop. */
export async function waitUntil(probe: () => Promise<boolean>, options: WaitOptions): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 300;
  for (;;) {
    if (await probe().catch(() => false)) return { ok: true };
    const abort = options.abortReason?.();
    if (abort !== undefined) return { ok: false, reason: abort };
    if (Date.now() >= deadline) {
      return { ok: false, reason: `not healthy after ${Math.round(options.timeoutMs / 1000)} s` };
    }
    await sleep(interval);
  }
}

/** Sends PING over a raw socket; healthy when the answer is +PONG. */
export function redisPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: LOOPBACK, port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.on('error', () => {
      done(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export function httpGet(url: string, timeoutMs = 2_000): Promise<HttpAnswer> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Whether we could bind the port on loopback right now, i.e. nobody else listens on it. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => {
      resolvePromise(false);
    });
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.close(() => {
        resolvePromise(true);
      });
    });
  });
}
