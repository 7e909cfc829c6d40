/**
 * The load use case: a batch dataset folder (and optionally the batch scores of `cli score`) into the
 * pipeline's indices, with the pipeline's document functions (see load.documents.ts) and libs/search's
 * BulkWriter (its retries and per-item rejections), several requests in flight.
 *
 * Sessions stream through (one `index` each); each customer's aggregate is folded in memory (O(customers))
 * and, with its batch score, becomes the churn_score whose operations write the customer document
 * whole (external version = the aggregate's) and its score document. As in the pipeline, a customer
 * without a score has no document. Every document has the id the pipeline gives it, so a second load
 * writes the same documents again: nothing is duplicated.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Client } from '@elastic/elasticsearch';
import {
  applySession,
  churnReference,
  isChurned,
  registeredAggregate,
  toCents,
  type CustomerAggregate,
} from '@churnstream/churn';
import { openDataset } from '@churnstream/dataset';
import { AppError } from '@churnstream/errors';
import {
  BulkWriter,
  bulkLines,
  detectSearchCapabilities,
  elasticsearchBulkTransport,
  installSearchIndices,
  operationsFor,
  refreshSearchIndices,
  searchIndexNames,
  type BulkTransport,
  type IndexOperation,
  type IndexableEvent,
  type SearchIndex,
} from '@churnstream/search';
import { customerWithDefaults, sessionWithDefaults } from './row.defaults';
import {
  aggregateDto,
  registrationOf,
  scoreEventOf,
  sessionEventOf,
  type BatchScore,
} from './load.documents';

export interface LoadOptions {
  dir: string;
  /** CSV of `cli score`: customer_id,churn_probability,churn_predicted,threshold,model_version. */
  scoresFile?: string;
  /** Or the scores themselves, by customer_id. */
  scores?: ReadonlyMap<string, BatchScore>;
  client: Client;
  prefix: string;
  /** Bulk requests in flight at once (default 3). */
  concurrency?: number;
  /** Operations per bulk request (default 2,000; the writer also caps each request at 5 MB). */
  batchOperations?: number;
  /** Called at most every `progressEveryMs` (default 2 s) and once at the end. */
  onProgress?(progress: LoadProgress): void;
  progressEveryMs?: number;
  /** Overrides the Elasticsearch transport (benchmarks measuring raw `_bulk` use the same). */
  transport?: BulkTransport;
}

export interface LoadProgress {
  phase: 'sessions' | 'customers';
  written: number;
  /** Documents expected in all (sessions + customers + scores), known once the files are read. */
  total: number;
  seconds: number;
}

export interface LoadRejection {
  /** Where: `sessions.csv line 12`, or the index and document id Elasticsearch refused. */
  where: string;
  reason: string;
}

export interface LoadSummary {
  documents: Record<SearchIndex, number>;
  written: number;
  rejected: number;
  /** Rejections per reason (the reason up to its first detail), and the first ones in full. */
  rejectedByReason: Record<string, number>;
  firstRejections: LoadRejection[];
  requests: number;
  retries: number;
  seconds: number;
}

const KEEP_REJECTIONS = 20;

interface CustomerState {
  aggregate: CustomerAggregate;
  name: string;
  email: string;
  devices: Set<string>;
  payments: Set<string>;
}

/** Bulk writes with a bounded number of requests in flight; rejections are reported per operation. */
class BulkPool {
  private readonly inFlight = new Set<Promise<void>>();
  private batch: IndexOperation[] = [];
  written = 0;
  requests = 0;
  retries = 0;

  constructor(
    private readonly writer: BulkWriter,
    private readonly indices: Record<SearchIndex, string>,
    private readonly concurrency: number,
    private readonly batchOperations: number,
    private readonly reject: (where: string, reason: string) => void,
  ) {}

  async add(op: IndexOperation): Promise<void> {
    this.batch.push(op);
    if (this.batch.length >= this.batchOperations) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const ops = this.batch;
    this.batch = [];
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const lines = ops.map((op) => bulkLines(op, this.indices[op.index]));
    const sending = this.writer.write(lines).then((result) => {
      this.written += result.written;
      this.requests += result.requests;
      this.retries += result.retries;
      for (const r of result.rejected) {
        const op = ops[r.item];
        this.reject(`${op?.index ?? '?'} document ${op?.id ?? '?'}`, `${r.status} ${r.reason}`);
      }
    });
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  async drain(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
  }
}

async function readScores(file: string): Promise<Map<string, BatchScore>> {
  const scores = new Map<string, BatchScore>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let header: string[] | null = null;
  let at = 0;
  const need = ['customer_id', 'churn_probability', 'churn_predicted', 'threshold', 'model_version'];
  try {
    for await (const line of lines) {
      at++;
      if (line.trim() === '') continue;
      const fields = line.split(',');
      if (header === null) {
        header = fields.map((f) => f.trim());
        const missing = need.find((n) => !header?.includes(n));
        if (missing !== undefined)
          throw new AppError(
            'CONFIG_INVALID',
            `${file} line 1: no column "${missing}" (write it with cli score)`,
          );
        continue;
      }
      const get = (name: string): string => fields[header?.indexOf(name) ?? -1] ?? '';
      const probability = Number(get('churn_probability'));
      const threshold = Number(get('threshold'));
      if (get('customer_id') === '' || !Number.isFinite(probability) || !Number.isFinite(threshold)) {
        throw new AppError(
          'CONFIG_INVALID',
          `${file} line ${at}: expected a customer_id, a probability and a threshold`,
        );
      }
      scores.set(get('customer_id'), {
        customer_id: get('customer_id'),
        churn_probability: probability,
        churn_predicted: get('churn_predicted') === '1' || get('churn_predicted') === 'true',
        threshold,
        model_version: get('model_version'),
      });
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('CONFIG_INVALID', `--scores ${file}: ${(error as Error).message}`, { cause: error });
  }
  return scores;
}

export async function loadDataset(options: LoadOptions): Promise<LoadSummary> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const scores =
    options.scores ?? (options.scoresFile === undefined ? null : await readScores(options.scoresFile));
  const ds = await openDataset(options.dir);
  const rejectedByReason: Record<string, number> = {};
  const firstRejections: LoadRejection[] = [];
  let rejected = 0;
  const reject = (where: string, reason: string): void => {
    rejected++;
    const kind = reason.split(':')[0] ?? reason;
    rejectedByReason[kind] = (rejectedByReason[kind] ?? 0) + 1;
    if (firstRejections.length < KEEP_REJECTIONS) firstRejections.push({ where, reason });
  };
  try {
    const capabilities = await detectSearchCapabilities(options.client);
    await installSearchIndices(options.client, options.prefix, capabilities);
    const indices = searchIndexNames(options.prefix);
    const writer = new BulkWriter(options.transport ?? elasticsearchBulkTransport(options.client));
    const pool = new BulkPool(
      writer,
      indices,
      options.concurrency ?? 3,
      options.batchOperations ?? 2_000,
      reject,
    );
    const documents: Record<SearchIndex, number> = { customers: 0, sessions: 0, scores: 0, evaluations: 0 };
    const customers = new Map<string, CustomerState>();
    const snapshotAt = ds.snapshotAt.toISOString();
    const total = (): number => ds.rows.sessions + 2 * (scores?.size ?? 0);

    let lastReport = performance.now();
    const report = (phase: LoadProgress['phase'], force = false): void => {
      const now = performance.now();
      if (!force && now - lastReport < (options.progressEveryMs ?? 2_000)) return;
      lastReport = now;
      options.onProgress?.({ phase, written: pool.written, total: total(), seconds: seconds() });
    };
    const route = async (event: IndexableEvent): Promise<void> => {
      for (const op of operationsFor(event)) {
        documents[op.index]++;
        await pool.add(op);
      }
    };

    for await (const row of ds.customers()) {
      // The replay's defaults for absent columns, so a load equals a replay of the same folder.
      const checked = registrationOf(customerWithDefaults(row));
      if (!checked.ok) {
        reject(`customers.csv line ${row.line}`, checked.reason);
        continue;
      }
      const c = checked.event.customer;
      if (customers.has(c.customer_id)) {
        reject(`customers.csv line ${row.line}`, `customer_id: ${c.customer_id} registered twice`);
        continue;
      }
      customers.set(c.customer_id, {
        aggregate: registeredAggregate({ ...c, customer_since: Date.parse(c.customer_since) }),
        name: c.name,
        email: c.email,
        devices: new Set(),
        payments: new Set(),
      });
    }

    for await (const row of ds.sessions()) {
      const checked = sessionEventOf(sessionWithDefaults(row));
      if (!checked.ok) {
        reject(`sessions.csv line ${row.line}`, checked.reason);
        continue;
      }
      const s = checked.event.session;
      const state = customers.get(s.customer_id);
      if (state === undefined) {
        // The features service refuses a session of a customer it never saw registered.
        reject(`sessions.csv line ${row.line}`, `customer_id: ${s.customer_id} is not a registered customer`);
        continue;
      }
      state.aggregate = applySession(state.aggregate, {
        session_start: Date.parse(s.session_start),
        session_end: Date.parse(s.session_end),
        pages_viewed: s.pages_viewed,
        products_added_to_cart: s.products_added_to_cart,
        products_purchased: s.products_purchased,
        total_spent_cents: toCents(s.total_spent),
      });
      state.devices.add(s.device_type);
      if (s.payment_method !== null) state.payments.add(s.payment_method);
      await route(checked.event);
      report('sessions');
    }

    for (const [id, state] of customers) {
      const score = scores?.get(id);
      if (score === undefined) continue;
      const reference = churnReference(state.aggregate);
      const churned = reference !== null && isChurned(reference, ds.snapshotAt.getTime());
      const aggregate = aggregateDto(state.aggregate, state, state);
      const event = scoreEventOf(score, aggregate, 1 + state.aggregate.session_count, churned, snapshotAt);
      if (event.ok) await route(event.event);
      else reject(`${options.scoresFile ?? 'scores'} customer ${id}`, event.reason);
      report('customers');
    }
    await pool.drain();
    await refreshSearchIndices(options.client, options.prefix);
    report('customers', true);
    return {
      documents,
      written: pool.written,
      rejected,
      rejectedByReason,
      firstRejections,
      requests: pool.requests,
      retries: pool.retries,
      seconds: seconds(),
    };
  } finally {
    ds.close();
  }
}
