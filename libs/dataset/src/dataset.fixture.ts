/** Small dataset folders for tests: CSV text written into a fresh temp dir, removed by `cleanup`. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUSTOMERS_FILE, SESSIONS_FILE } from './dataset.schema';

export const CUSTOMERS_HEADER = CUSTOMERS_FILE.columns.map((c) => c.name).join(',');
export const SESSIONS_HEADER = SESSIONS_FILE.columns.map((c) => c.name).join(',');

export interface FixtureFiles {
  /** Data lines of customers.csv (the header is added unless `rawCustomers` is given). */
  customers?: string[];
  sessions?: string[];
  /** Exact file contents, header included, for bad-input tests; null leaves the file out. */
  rawCustomers?: string | null;
  rawSessions?: string | null;
  /** manifest.json contents; null leaves it out. */
  manifest?: Record<string, unknown> | null;
}

export interface Fixture {
  dir: string;
  cleanup(): Promise<void>;
}

export async function writeDatasetFixture(files: FixtureFiles): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'churnstream-ds-'));
  const text = (header: string, lines: string[] | undefined): string =>
    [header, ...(lines ?? [])].join('\n') + '\n';
  const customers =
    files.rawCustomers !== undefined ? files.rawCustomers : text(CUSTOMERS_HEADER, files.customers);
  const sessions =
    files.rawSessions !== undefined ? files.rawSessions : text(SESSIONS_HEADER, files.sessions);
  if (customers !== null) await writeFile(join(dir, 'customers.csv'), customers);
  if (sessions !== null) await writeFile(join(dir, 'sessions.csv'), sessions);
  const manifest = files.manifest === undefined ? { snapshot_at: '2026-06-01T00:00:00Z' } : files.manifest;
  if (manifest !== null) await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
