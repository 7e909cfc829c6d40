import { createHash } from 'node:crypto';
import type { DeadLetter } from './events.schema';

/** Bytes of the original payload a dead letter carries; the rest is summed up by size and hash. */
export const DEAD_LETTER_PREFIX_BYTES = 2 * 1024;
const MAX_MESSAGE_CHARS = 2_000;

export interface DeadLetterInput {
  /** The service that rejected the event. */
  service: string;
  /** The consumer group that rejected it: two groups rejecting one message write two letters. */
  group: string;
  source: { topic: string; partition: number; offset: string; key: string | null };
  error: { code: string; message: string };
  /** The original payload (raw bytes when the consumer still has them). */
  payload: Buffer | string | null | undefined;
  now: Date;
}

/** `dead:<group>:<topic>:<partition>:<offset>`: stable across redeliveries, distinct per group. */
export function deadLetterId(group: string, source: DeadLetterInput['source']): string {
  return `dead:${group}:${source.topic}:${source.partition}:${source.offset}`;
}

/**
 * The one builder of dead letters. Whatever the original's size, the letter stays a few KiB: the
 * payload is reduced to its size, SHA-256 and a bounded prefix, and the error message is cut, so
 * writing it can never fail for being too large.
 */
export function buildDeadLetter(input: DeadLetterInput): DeadLetter {
  const bytes =
    input.payload === null || input.payload === undefined
      ? Buffer.alloc(0)
      : typeof input.payload === 'string'
        ? Buffer.from(input.payload, 'utf8')
        : input.payload;
  const truncated = bytes.length > DEAD_LETTER_PREFIX_BYTES;
  return {
    event_id: deadLetterId(input.group, input.source),
    event_time: input.now.toISOString(),
    event_type: 'dead_letter',
    schema_version: 2,
    service: input.service,
    group: input.group,
    source: { ...input.source },
    error: { code: input.error.code, message: cut(input.error.message, MAX_MESSAGE_CHARS) },
    original: {
      size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      prefix: utf8Prefix(bytes, DEAD_LETTER_PREFIX_BYTES),
      truncated,
    },
  };
}

function cut(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/** The first `max` bytes as text, without a trailing half of a multi-byte character. */
function utf8Prefix(bytes: Buffer, max: number): string {
  if (bytes.length <= max) return bytes.toString('utf8');
  let end = max;
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
