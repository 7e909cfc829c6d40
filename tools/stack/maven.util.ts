// Maven fetches for the stack. They run one at a time: concurrent Maven runs writing the same
// ~/.m2 (plugins, shared dependencies) on a fresh machine can corrupt each other's downloads.
import { commandExists, runCommand } from './process.util';

let queue: Promise<unknown> = Promise.resolve();

export function runMaven(args: readonly string[], cwd: string): Promise<string> {
  if (!commandExists('mvn')) {
    return Promise.reject(
      new Error(
        "Maven (mvn) is needed to fetch the stack's Java servers: install it (apt-get install -y maven)",
      ),
    );
  }
  const run = queue.then(() => runCommand('mvn', ['-q', '-B', ...args], { cwd }));
  queue = run.catch(() => undefined);
  return run;
}
