// Health probes (raw TCP, HTTP) and a deadline-bounded poll: tests wait on health, never on a sleep.
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';

export const LOOPBACK = '127.0.0.1';

export type WaitOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked between probes: a reason to give up early (e.g. the process has exited). */
  readonly abortReason?: () => string | undefined;
  /**
   * Asked once `timeoutMs` has passed: true (the server answers that it is still loading its data)
   * means slow, not stuck, and the wait goes on, up to `loadingTimeoutMs` in all.
   */
  readonly loading?: () => Promise<boolean>;
  readonly loadingTimeoutMs?: number;
}

/** Polls `probe` until it answers true, the deadline passes or `abortReason` says stop. */
export async function waitUntil(probe: () => Promise<boolean>, options: WaitOptions): Promise<WaitOutcome> {
  const began = Date.now();
  const deadline = began + options.timeoutMs;
  const loadingDeadline = began + Math.max(options.timeoutMs, options.loadingTimeoutMs ?? 0);
  const interval = options.intervalMs ?? 300;
  const secondsSince = () => Math.round((Date.now() - began) / 1000);
  for (;;) {
    if (await probe().catch(() => false)) return { ok: true };
    const abort = options.abortReason?.();
    if (abort !== undefined) return { ok: false, reason: abort };
    if (Date.now() >= deadline) {
      const loading = options.loading ? await options.loading().catch(() => false) : false;
      if (!loading) return { ok: false, reason: `not healthy after ${secondsSince()} s` };
      if (Date.now() >= loadingDeadline)
        return { ok: false, reason: `still loading its data after ${secondsSince()} s` };
    }
    await sleep(interval);
  }
}

export interface RedisTlsAuth {
  readonly ca: string;
  readonly username: string;
  readonly password: string;
}

/**
 * Sends PING over a raw socket (TLS and AUTH first when given) and resolves the reply's lines (AUTH's
 * and PING's), or undefined when no full reply came in time.
 */
function redisPingReply(port: number, timeoutMs: number, secure?: RedisTlsAuth): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    const socket: Socket = secure
      ? tlsConnect({ host: LOOPBACK, port, ca: secure.ca, servername: 'localhost' })
      : connect({ host: LOOPBACK, port });
    const hello = secure ? `AUTH ${secure.username} ${secure.password}\r\nPING\r\n` : 'PING\r\n';
    let answer = '';
    const done = (reply: string | undefined): void => {
      socket.destroy();
      resolvePromise(reply);
    };
    socket.setTimeout(timeoutMs, () => {
      done(undefined);
    });
    socket.on('error', () => {
      done(undefined);
    });
    socket.on(secure ? 'secureConnect' : 'connect', () => socket.write(hello));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.endsWith('\r\n') && (!secure || answer.split('\r\n').length > 2 || answer.startsWith('-')))
        done(answer);
    });
  });
}

/** Healthy when PING answers +PONG (after AUTH's +OK when secure). */
export async function redisPing(port: number, timeoutMs = 1_000, secure?: RedisTlsAuth): Promise<boolean> {
  const reply = await redisPingReply(port, timeoutMs, secure);
  return reply?.startsWith(secure ? '+OK\r\n+PONG' : '+PONG') ?? false;
}

/** Whether Redis answers PING with LOADING: it is reading its append-only file into memory. */
export async function redisLoading(port: number, timeoutMs = 1_000, secure?: RedisTlsAuth): Promise<boolean> {
  const reply = await redisPingReply(port, timeoutMs, secure);
  return reply?.includes('-LOADING') ?? false;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface HttpOptions {
  readonly method?: string;
  readonly timeoutMs?: number;
  /** For https: the CA certificate (PEM) to trust. */
  readonly ca?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export function httpGet(url: string, timeoutMs = 2_000): Promise<HttpAnswer> {
  return httpRequest(url, { timeoutMs });
}

export function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const method = options.method ?? 'GET';
  const send = url.startsWith('https:') ? httpsRequest : request;
  return new Promise((resolvePromise, reject) => {
    const headers = { ...options.headers, ...(options.body ? { 'content-type': 'application/json' } : {}) };
    const req = send(url, { method, timeout: timeoutMs, ca: options.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(options.body);
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
