// The secured Elasticsearch's per-app users. The integ-test-zip cannot create its `.security` index
// (its mapping needs the analysis-common module, which that distribution lacks), so API keys and
// native users are unavailable there; the file realm (roles.yml, users, users_roles in the config
// folder) needs no index. Passwords go to `elasticsearch-users` on stdin, never on a command line.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runCommand } from './process.util';
import { ES_APPS, loadOrCreateSecrets } from './secure.secrets';
import type { StackConfig } from './stack.config';
import { INFRA_ROOT } from './stack.paths';

export const esUserOf = (app: string): string => `churnstream_${app}`;

export async function ensureEsUsers(config: StackConfig, home: string, confDir: string): Promise<void> {
  cpSync(join(INFRA_ROOT, 'elasticsearch', 'roles.secure.yml'), join(confDir, 'roles.yml'));
  const usersFile = join(confDir, 'users');
  const existing = existsSync(usersFile) ? readFileSync(usersFile, 'utf8') : '';
  const secrets = loadOrCreateSecrets();
  const env = { ...process.env, ES_JAVA_HOME: config.javaHome, ES_PATH_CONF: confDir };
  for (const app of ES_APPS) {
    const user = esUserOf(app);
    if (existing.split('\n').some((line) => line.startsWith(`${user}:`))) continue;
    const password = secrets.es[app];
    await runCommand(join(home, 'bin', 'elasticsearch-users'), ['useradd', user, '-r', user], {
      env,
      input: `${password}\n${password}\n`,
      secrets: [password],
    });
  }
}
