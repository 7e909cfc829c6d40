/**
 * Sends bulk operations in requests bounded by operation count and bytes, and makes each one land:
 * - the whole request is retried, with exponential backoff and jitter, on 429, 5xx and connection
 *   errors;
 * - items answered 429, 409 (a concurrent update won) or 5xx are retried alone, the same way;
 * - an externally versioned write answered 409 was superseded: Elasticsearch already holds a newer
 *   version of that document, which is the outcome wanted, so it counts as done (`superseded`);
 * - any other item error (a mapping error, an immense term) is a rejection, returned with its reason
 *   for the caller to dead-letter; the rest of the batch goes on;
 * - a whole request refused with another 4xx is split in halves until the offending item is alone.
 * When the attempts run out it throws a retryable error: nothing is acknowledged, so the caller
 * (which commits Kafka offsets only after `write` resolved) gets the events again.
 *
 * The transport is an interface so the retry rules can be tested by injecting failures; the
 * Elasticsearch one lives in search.transport.ts.
 */
import { AppError } from '@churnstream/errors';

export interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string | null; caused_by?: { type?: string; reason?: string | null } };
}

export interface BulkTransport {
  /** Sends NDJSON, returns one result per operation in order; throws BulkTransportError. */
  bulk(ndjson: string): Promise<BulkItemResult[]>;
}

export class BulkTransportError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BulkTransportError';
  }
}

export interface BulkRejection {
  /** Position of the operation in the `write` input. */
  item: number;
  status: number;
  reason: string;
}

export interface BulkWriteResult {
  written: number;
  /** Externally versioned writes Elasticsearch skipped because it held a newer version. */
  superseded: number;
  /** Positions (in the `write` input) of those superseded writes. */
  supersededItems: number[];
  rejected: BulkRejection[];
  requests: number;
  retries: number;
}

export interface BulkWriterOptions {
  maxOperations?: number;
  maxBytes?: number;
  /** Attempts per request (the first included) before giving up with a retryable error. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each backoff wait, e.g. to heartbeat the consumer group. */
  onRetry?(reason: string, attempt: number, delayMs: number): void | Promise<void>;
  onRequest?(operations: number, seconds: number): void;
  sleep?(ms: number): Promise<void>;
  random?(): number;
}

const RETRYABLE_ITEM = (status: number) => status === 429 || status === 409 || status >= 500;

export function describeItemError(item: BulkItemResult): string {
  const e = item.error;
  if (!e) return `status ${item.status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type ?? '?'}: ${e.caused_by.reason ?? ''})` : '';
  return `${e.type ?? 'error'}: ${e.reason ?? ''}${cause}`;
}

interface Encoded {
  item: number;
  text: string;
  versioned: boolean;
}

function isVersioned(action: object): boolean {
  const meta = (action as { index?: { version_type?: string } }).index;
  return meta?.version_type === 'external' || meta?.version_type === 'external_gte';
}

export class BulkWriter {
  private readonly maxOperations: number;
  private readonly maxBytes: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly transport: BulkTransport,
    private readonly options: BulkWriterOptions = {},
  ) {
    this.maxOperations = options.maxOperations ?? 2_000;
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Writes operations given as their two NDJSON lines (action, body), in order. */
  async write(operations: readonly (readonly [object, object])[]): Promise<BulkWriteResult> {
    const result: BulkWriteResult = {
      written: 0,
      superseded: 0,
      supersededItems: [],
      rejected: [],
      requests: 0,
      retries: 0,
    };
    let chunk: Encoded[] = [];
    let bytes = 0;
    for (const [item, [action, body]] of operations.entries()) {
      const text = `${JSON.stringify(action)}\n${JSON.stringify(body)}\n`;
      const size = Buffer.byteLength(text);
      if (chunk.length > 0 && (chunk.length >= this.maxOperations || bytes + size > this.maxBytes)) {
        await this.send(chunk, result);
        chunk = [];
        bytes = 0;
      }
      chunk.push({ item, text, versioned: isVersioned(action) });
      bytes += size;
    }
    if (chunk.length > 0) await this.send(chunk, result);
    return result;
  }

  private async send(chunk: Encoded[], result: BulkWriteResult): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      let items: BulkItemResult[];
      const started = performance.now();
      try {
        result.requests++;
        items = await this.transport.bulk(pending.map((p) => p.text).join(''));
        this.options.onRequest?.(pending.length, (performance.now() - started) / 1000);
      } catch (error) {
        if (!(error instanceof BulkTransportError)) throw error;
        if (error.retryable) {
          await this.backoff(attempt, `request ${error.status ?? 'connection'}: ${error.message}`, result);
          continue;
        }
        if (pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          await this.send(pending.slice(0, half), result);
          await this.send(pending.slice(half), result);
          return;
        }
        const only = pending[0];
        if (only) {
          result.rejected.push({ item: only.item, status: error.status ?? 0, reason: error.message });
        }
        return;
      }
      if (items.length !== pending.length) {
        throw new AppError(
          'INTERNAL',
          `bulk answered ${items.length} items for ${pending.length} operations`,
        );
      }
      const retry: Encoded[] = [];
      let firstRetryReason = '';
      items.forEach((answer, i) => {
        const sent = pending[i];
        if (!sent) return;
        if (answer.status < 300) result.written++;
        else if (answer.status === 409 && sent.versioned) {
          result.superseded++;
          result.supersededItems.push(sent.item);
        } else if (RETRYABLE_ITEM(answer.status)) {
          if (retry.length === 0) firstRetryReason = `item ${answer.status}: ${describeItemError(answer)}`;
          retry.push(sent);
        } else {
          result.rejected.push({ item: sent.item, status: answer.status, reason: describeItemError(answer) });
        }
      });
      if (retry.length === 0) return;
      pending = retry;
      await this.backoff(attempt, `${retry.length} item(s), first ${firstRetryReason}`, result);
    }
  }

  private async backoff(attempt: number, reason: string, result: BulkWriteResult): Promise<void> {
    if (attempt >= this.maxAttempts) {
      throw new AppError(
        'DEPENDENCY_UNAVAILABLE',
        `bulk write still failing after ${attempt} attempts: ${reason}`,
        { retryable: true },
      );
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    result.retries++;
    await this.options.onRetry?.(reason, attempt, delay);
    await this.sleep(delay);
  }
}
