import type { z } from 'zod';
import { AppError } from '@churnstream/errors';

/**
 * Encodes events as UTF-8 JSON and decodes them strictly: a payload larger than the limit, one that
 * is not JSON, or one that fails its schema, becomes an AppError whose message names each offending
 * field by path (`session.pages_viewed: expected number, received string`).
 */
export function encodeEvent(event: object): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The largest event any contract allows. Real events are under 2 KiB; the limit is checked before
 * parsing, so an oversized payload costs no JSON parse and gets its own reason code.
 */
export const MAX_EVENT_BYTES = 64 * 1024;

export type DecodeResult<T> = { ok: true; event: T } | { ok: false; error: AppError };

export function decodeEvent<S extends z.ZodType>(
  schema: S,
  payload: Buffer | string | null | undefined,
  maxBytes = MAX_EVENT_BYTES,
): DecodeResult<z.infer<S>> {
  if (payload === null || payload === undefined) {
    return {
      ok: false,
      error: new AppError('CONTRACT_UNPARSABLE', 'empty payload (tombstone or null value)'),
    };
  }
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > maxBytes) {
    return {
      ok: false,
      error: new AppError('CONTRACT_TOO_LARGE', `payload of ${size} bytes exceeds the limit of ${maxBytes}`),
    };
  }
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return {
      ok: false,
      error: new AppError('CONTRACT_UNPARSABLE', `payload is not JSON: ${(cause as Error).message}`, {
        cause,
      }),
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: new AppError('CONTRACT_INVALID', describeIssues(parsed.error), { cause: parsed.error }),
    };
  }
  return { ok: true, event: parsed.data };
}
