// Where the local stack keeps everything: one git-ignored folder, .stack/, at the repo root.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STACK_ROOT = join(REPO_ROOT, '.stack');
export const INFRA_ROOT = join(REPO_ROOT, 'infra');

export const stackDirs = {
  /** Downloads and extracted distributions; survives `reset`. */
  cache: join(STACK_ROOT, 'cache'),
  /** Server state; `reset` deletes it. */
  data: join(STACK_ROOT, 'data'),
  logs: join(STACK_ROOT, 'logs'),
  /** Pid files and the lock that serialises concurrent up/down calls. */
  run: join(STACK_ROOT, 'run'),
  /** Configs rendered from the templates under infra/, rewritten on every start. */
  conf: join(STACK_ROOT, 'conf'),
  /** Scratch space (Elasticsearch's JNA/temp files); `reset` deletes it. */
  tmp: join(STACK_ROOT, 'tmp'),
} as const;

export interface ServerPaths {
  readonly data: string;
  readonly log: string;
  readonly pid: string;
  readonly conf: string;
}

export function serverPaths(server: string): ServerPaths {
  return {
    data: join(stackDirs.data, server),
    log: join(stackDirs.logs, `${server}.log`),
    pid: join(stackDirs.run, `${server}.pid`),
    conf: join(stackDirs.conf, server),
  };
}
