import { readEnvFile } from '@churnstream/config';
import { uniqueName } from './unique';

/**
 * Which stack the integration specs run against: the plain one by default (the config's defaults
 * point at it), or the one an env file describes (CHURNSTREAM_TEST_ENV_FILE, set by
 * `scripts/run-tests.mjs secure` to the secured stack's .stack/secure/secure.env). There every
 * credential comes from that file, and names start with `churnstream`, the prefix its ACLs grant.
 */
const envFile = process.env.CHURNSTREAM_TEST_ENV_FILE;
export const secureStack = envFile !== undefined && envFile !== '';

/** The variables of the stack under test (none for the plain stack). */
export function stackEnv(): Record<string, string> {
  return envFile ? readEnvFile(envFile) : {};
}

/** Topic, group, key and index prefixes unique to one test, inside what the stack's ACLs allow. */
export function stackPrefixes(base: string): { topic: string; redis: string; index: string } {
  const name = uniqueName(base);
  if (!secureStack) return { topic: name, redis: `${name}:`, index: name };
  return { topic: `churnstream.${name}`, redis: `churnstream:${name}:`, index: `churnstream-${name}` };
}
