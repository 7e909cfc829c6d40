import { randomBytes } from 'node:crypto';

/** A name no other test (or earlier run) uses: topics, groups, indices and key prefixes. */
export function uniqueName(base: string): string {
  return `t-${base}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
