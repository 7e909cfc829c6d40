// What the stack needs to know about each server; the three *.server.ts files implement it.
import type { ServerPaths } from './stack.paths';

export const SERVER_NAMES = ['redis', 'kafka', 'elasticsearch'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export type Log = (line: string) => void;

export interface StackServer {
  readonly name: ServerName;
  /** The client port first, then any other port it binds (controller, transport). */
  readonly ports: readonly number[];
  readonly paths: ServerPaths;
  /** Found in the command line of one of its processes: how we tell our server from a reused pid. */
  readonly processMarker: string;
  readonly healthTimeoutMs: number;
  version(): string;
  /** Fetches the distribution unless it is already cached or installed. */
  install(log: Log): Promise<void>;
  /** Renders its config, prepares its folders and spawns it detached; returns its pid (= process group). */
  start(log: Log): Promise<number>;
  healthy(): Promise<boolean>;
  /**
   * Answers that it is still loading its data (Redis replaying a large append-only file): slow, not
   * stuck, so `up` waits past `healthTimeoutMs`, up to `loadingTimeoutMs`.
   */
  loading?(): Promise<boolean>;
  readonly loadingTimeoutMs?: number;
  /** After every healthy `up` (started or already running): users, ACLs, keys. Idempotent. */
  provision?(log: Log): Promise<void>;
}

export function isServerName(value: string): value is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(value);
}

/** A failure the CLI shows as-is: which server, what went wrong, and the log tail or command output. */
export class StackError extends Error {
  constructor(
    readonly server: ServerName,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StackError';
  }
}
