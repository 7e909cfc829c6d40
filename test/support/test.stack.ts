import { existsSync, readFileSync } from 'node:fs';
import { parseEnvFile } from '../../tools/stack/secure.env';
import { SECURE_ENV_FILE } from '../../tools/stack/stack.paths';
import { uniqueName } from './unique';

/**
 * Which stack the integration specs run against: the plain one by default, the secured one
 * (`npm run stack -- up --secure`) with CHURNSTREAM_TEST_STACK=secure, in which case its env file
 * supplies every credential and names start with `churnstream`, the prefix its ACLs grant.
 */
export const secureStack = process.env.CHURNSTREAM_TEST_STACK === 'secure';

/** The variables of the stack under test (none for the plain stack: the defaults point at it). */
export function stackEnv(): Record<string, string> {
  if (!secureStack) return {};
  if (!existsSync(SECURE_ENV_FILE)) {
    throw new Error(`no ${SECURE_ENV_FILE}: run \`npm run stack -- up --secure\` first`);
  }
  return parseEnvFile(readFileSync(SECURE_ENV_FILE, 'utf8'));
}

/** Topic, group, key and index prefixes unique to one test, inside what the stack's ACLs allow. */
export function stackPrefixes(base: string): { topic: string; redis: string; index: string } {
  const name = uniqueName(base);
  if (!secureStack) return { topic: name, redis: `${name}:`, index: name };
  return { topic: `churnstream.${name}`, redis: `churnstream:${name}:`, index: `churnstream-${name}` };
}
