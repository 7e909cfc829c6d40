/**
 * Joins the writes of concurrent callers into one bulk request. Elasticsearch pays a large fixed
 * cost per bulk request (per shard touched: a translog sync, a write-pool task), so a consumer that
 * sent one request per partition batch spent most of Elasticsearch's CPU on requests of a few dozen
 * documents. The indexer's partition batches of one fetch are handled concurrently; each submits
 * its operations here, and they leave together after `lingerMs` (or at once when `maxOperations`
 * are waiting). Each caller's promise settles with its own share of the outcome, item positions
 * relative to what it submitted, and only once every one of its operations was acknowledged or
 * rejected, so a caller still commits its offsets after its writes. A failed write fails every
 * caller in it: all of them get their batches again.
 */
import type { BulkRejection, BulkWriteResult } from './bulk.writer';

export type BulkLines = readonly (readonly [object, object])[];

export interface BulkBatcherOptions {
  /** How long the first submission waits for others to join it (default 20 ms). */
  lingerMs?: number;
  /** Waiting operations that make the group leave at once (default 10,000). */
  maxOperations?: number;
}

interface Submission {
  lines: BulkLines;
  resolve(result: BulkWriteResult): void;
  reject(error: unknown): void;
}

export class BulkBatcher {
  private waiting: Submission[] = [];
  private waitingOperations = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly lingerMs: number;
  private readonly maxOperations: number;

  constructor(
    private readonly write: (lines: BulkLines) => Promise<BulkWriteResult>,
    options: BulkBatcherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 20;
    this.maxOperations = options.maxOperations ?? 10_000;
  }

  submit(lines: BulkLines): Promise<BulkWriteResult> {
    return new Promise<BulkWriteResult>((resolve, reject) => {
      this.waiting.push({ lines, resolve, reject });
      this.waitingOperations += lines.length;
      if (this.waitingOperations >= this.maxOperations) this.flush();
      else
        this.timer ??= setTimeout(() => {
          this.flush();
        }, this.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.waiting;
    this.waiting = [];
    this.waitingOperations = 0;
    if (group.length === 0) return;
    this.write(group.flatMap((s) => s.lines)).then(
      (result) => {
        for (const [i, share] of splitResult(
          result,
          group.map((s) => s.lines.length),
        ).entries()) {
          group[i]?.resolve(share);
        }
      },
      (error: unknown) => {
        for (const s of group) s.reject(error);
      },
    );
  }
}

/**
 * The outcome of one write of several submissions laid end to end, as each submission's own: its
 * rejections and superseded writes at positions relative to it, the rest of its operations written.
 * Requests and retries were shared, so each share carries the whole write's.
 */
export function splitResult(result: BulkWriteResult, sizes: readonly number[]): BulkWriteResult[] {
  const shares: BulkWriteResult[] = [];
  let start = 0;
  for (const size of sizes) {
    const end = start + size;
    const inside = (item: number) => item >= start && item < end;
    const rejected: BulkRejection[] = result.rejected
      .filter((r) => inside(r.item))
      .map((r) => ({ ...r, item: r.item - start }));
    const supersededItems = result.supersededItems.filter(inside).map((item) => item - start);
    shares.push({
      written: size - rejected.length - supersededItems.length,
      superseded: supersededItems.length,
      supersededItems,
      rejected,
      requests: result.requests,
      retries: result.retries,
    });
    start = end;
  }
  return shares;
}
