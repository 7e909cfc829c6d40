/**
 * Writes a population as the batch dataset: sessions first (in event-time order), then customers
 * (whose `churned` label needs every session: a per-customer last-purchase array is all that is
 * kept, O(customers) memory), then the latent truth, then manifest.json. Deterministic: the same
 * population gives byte-identical files, and the manifest holds no wall-clock values.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CHURN_WINDOW_DAYS } from '@churnstream/contracts';
import {
  CUSTOMER_COLUMNS,
  DirtyInjector,
  GENERATOR_VERSION,
  SESSION_COLUMNS,
  SessionGenerator,
  TRUTH_COLUMNS,
  churnedLabel,
  emptySession,
  emptyDraw,
  MAX_SESSION_LINE_BYTES,
  putSessionCsv,
  csvHeader,
  customerRow,
  isoTime,
  serializer,
  sessionRow,
  truthOf,
  truthRow,
  type Column,
  type DatasetFormat,
  type DirtyCounts,
  type Population,
} from '@churnstream/simulation';
import { FileSink } from './file.sink';

export type DatasetPhase = 'sessions' | 'customers' | 'truth';

export interface BatchDatasetOptions {
  population: Population;
  outDir: string;
  format?: DatasetFormat;
  /** Share of rows to corrupt (0 = clean). */
  dirtyRate?: number;
  /** Called every few thousand records with the phase and its (records written, records total). */
  onProgress?: (phase: DatasetPhase, done: number, total: number) => void;
}

export interface FileEntry {
  sha256: string;
  bytes: number;
  /** Data rows (header excluded). */
  rows: number;
}

export interface DatasetManifest {
  generator_version: string;
  seed: number;
  format: DatasetFormat;
  counts: { customers: number; sessions: number };
  snapshot_at: string;
  window_start: string;
  window_end: string;
  churn_window_days: number;
  label: { churned: number; churn_rate: number };
  files: Record<string, FileEntry>;
  dirty: { rate: number; customers: DirtyCounts; sessions: DirtyCounts };
  scenario: unknown;
}

export interface BatchDatasetResult {
  manifest: DatasetManifest;
  manifestPath: string;
  /** Mean total spend (currency units) of churned and active customers, for the summary. */
  meanSpend: { churned: number; active: number };
}

const PROGRESS_EVERY = 1 << 14;

export function writeBatchDataset(options: BatchDatasetOptions): BatchDatasetResult {
  const pop = options.population;
  const format = options.format ?? 'csv';
  const rate = options.dirtyRate ?? 0;
  mkdirSync(options.outDir, { recursive: true });
  const files: Record<string, FileEntry> = {};
  const open = (table: string, columns: readonly Column[]) => {
    const name = `${table}.${format}`;
    const sink = new FileSink(join(options.outDir, name));
    if (format === 'csv') sink.write(csvHeader(columns));
    return { name, sink, line: serializer(format, columns), header: format === 'csv' ? 1 : 0 };
  };
  const finish = (f: ReturnType<typeof open>) => {
    const r = f.sink.close();
    files[f.name] = { sha256: r.sha256, bytes: r.bytes, rows: r.lines - f.header };
  };

  const n = pop.customerCount;
  const lastPurchase = new Float64Array(n).fill(Number.NaN);
  const spentCents = new Float64Array(n);

  const sessions = open('sessions', SESSION_COLUMNS);
  const sessionDirt = new DirtyInjector(pop.seed, rate, 'sessions');
  const reused = emptySession();
  const gen = new SessionGenerator(pop);
  const d = emptyDraw();
  const sink = sessions.sink;
  const fast = format === 'csv';
  for (let seq = 0; gen.nextDraw(d); seq++) {
    const i = d.customer;
    if (d.bought > 0) {
      lastPurchase[i] = d.end;
      spentCents[i] = (spentCents[i] ?? 0) + d.cents;
    }
    const dirt = sessionDirt.draw();
    if (dirt === null && fast) {
      const at = sink.reserve(MAX_SESSION_LINE_BYTES);
      sink.commit(putSessionCsv(sink.buffer, at, seq, pop.sessionIdWidth, pop.customerIdWidth, d));
    } else {
      const row = sessionRow(gen.record(seq, d, reused));
      if (dirt === null) sink.write(sessions.line(row));
      else for (const r of sessionDirt.corrupt(dirt, row)) sink.write(sessions.line(r));
    }
    if ((seq + 1) % PROGRESS_EVERY === 0) options.onProgress?.('sessions', seq + 1, pop.sessionCount);
  }
  finish(sessions);
  options.onProgress?.('sessions', pop.sessionCount, pop.sessionCount);

  const customers = open('customers', CUSTOMER_COLUMNS);
  const customerDirt = new DirtyInjector(pop.seed, rate, 'customers');
  let churned = 0;
  let churnedSpend = 0;
  for (let i = 0; i < n; i++) {
    const c = pop.customer(i);
    const isChurned = churnedLabel(c.customer_since, lastPurchase[i] ?? Number.NaN, pop.snapshotAtMs);
    if (isChurned) {
      churned++;
      churnedSpend += spentCents[i] ?? 0;
    }
    for (const row of customerDirt.apply(customerRow(c, isChurned)))
      customers.sink.write(customers.line(row));
  }
  finish(customers);

  const truth = open('truth', TRUTH_COLUMNS);
  for (let i = 0; i < n; i++) {
    truth.sink.write(truth.line(truthRow(truthOf(pop, i))));
    if ((i + 1) % PROGRESS_EVERY === 0) options.onProgress?.('truth', i + 1, n);
  }
  finish(truth);

  let totalSpend = 0;
  for (const cents of spentCents) totalSpend += cents;
  const manifest: DatasetManifest = {
    generator_version: GENERATOR_VERSION,
    seed: pop.seed,
    format,
    counts: { customers: n, sessions: pop.sessionCount },
    snapshot_at: isoTime(pop.snapshotAtMs),
    window_start: isoTime(pop.windowStartMs),
    window_end: isoTime(pop.snapshotAtMs),
    churn_window_days: CHURN_WINDOW_DAYS,
    label: { churned, churn_rate: n === 0 ? 0 : churned / n },
    files,
    dirty: { rate, customers: customerDirt.counts, sessions: sessionDirt.counts },
    scenario: pop.scenario,
  };
  const manifestPath = join(options.outDir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return {
    manifest,
    manifestPath,
    meanSpend: {
      churned: churned === 0 ? 0 : churnedSpend / churned / 100,
      active: n === churned ? 0 : (totalSpend - churnedSpend) / (n - churned) / 100,
    },
  };
}

/** sha256 of a file's bytes, as the manifest records it (for checks and tests). */
export function sha256Of(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
