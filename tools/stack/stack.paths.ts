// Where the local stack keeps everything: one git-ignored folder, .stack/, at the repo root.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STACK_ROOT = join(REPO_ROOT, '.stack');
export const INFRA_ROOT = join(REPO_ROOT, 'infra');

/** `plain` is the default stack; `secure` (TLS, SASL, ACLs) runs beside it on its own ports and folders. */
export type StackProfile = 'plain' | 'secure';

export interface StackDirs {
  /** Downloads and extracted distributions; survives `reset`; shared by both profiles. */
  readonly cache: string;
  /** Server state; `reset` deletes it. */
  readonly data: string;
  readonly logs: string;
  /** Pid files and the lock that serialises concurrent up/down calls. */
  readonly run: string;
  /** Configs rendered from the templates under infra/, rewritten on every start. */
  readonly conf: string;
  /** Scratch space (Elasticsearch's JNA/temp files); `reset` deletes it. */
  readonly tmp: string;
}

/** The secured profile's generated secrets, certificates and the env file the apps and tests source. */
export const SECURE_ROOT = join(STACK_ROOT, 'secure');
export const SECURE_ENV_FILE = join(SECURE_ROOT, 'secure.env');

export function profileDirs(profile: StackProfile): StackDirs {
  const base = profile === 'plain' ? STACK_ROOT : SECURE_ROOT;
  return {
    cache: join(STACK_ROOT, 'cache'),
    data: join(base, 'data'),
    logs: join(base, 'logs'),
    run: join(base, 'run'),
    conf: join(base, 'conf'),
    tmp: join(base, 'tmp'),
  };
}

export const stackDirs: StackDirs = profileDirs('plain');

export interface ServerPaths {
  readonly data: string;
  readonly log: string;
  readonly pid: string;
  readonly conf: string;
}

export function serverPaths(server: string, dirs: StackDirs = stackDirs): ServerPaths {
  return {
    data: join(dirs.data, server),
    log: join(dirs.logs, `${server}.log`),
    pid: join(dirs.run, `${server}.pid`),
    conf: join(dirs.conf, server),
  };
}
