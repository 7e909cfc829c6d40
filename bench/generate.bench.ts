/**
 * `npm run bench -- generate [--customers N --sessions N --naive-fraction F --runs N]`: the batch
 * generator (population + every file written) against the naive way of building the same columns,
 * one Faker call per field per record as in the seed brief. The naive loop is measured on a subset
 * (F of the records, default 10%) and extrapolated per record, customers and sessions separately.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { produceComparison } from './produce.section';
import { faker } from '@faker-js/faker';
import { DEVICE_TYPES, GENDERS, PAYMENT_METHODS } from '@churnstream/contracts';
import { DAY_MS, isChurned } from '@churnstream/churn';
import { writeBatchDataset, FileSink } from '@churnstream/dataset-writer';
import {
  CUSTOMER_COLUMNS,
  DEFAULT_GENERATE_OPTIONS,
  SESSION_COLUMNS,
  csvHeader,
  csvLine,
  SessionGenerator,
  emptyDraw,
  generatePopulation,
} from '@churnstream/simulation';
import { JSON_OPTION, printJson, type Benchmark } from './benchmark';

/** The naive generator: a Faker call for every field of every record, written as CSV. */
function naive(
  dir: string,
  customers: number,
  sessions: number,
  snapshotMs: number,
): { customerMs: number; sessionMs: number } {
  faker.seed(42);
  faker.setDefaultRefDate(new Date(snapshotMs));
  const windowStart = new Date(snapshotMs - 120 * DAY_MS);
  const since: number[] = [];
  const ids: string[] = [];
  const t0 = performance.now();
  const rows: string[][] = [];
  for (let i = 0; i < customers; i++) {
    const id = `C${String(i + 1).padStart(6, '0')}`;
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const joined = faker.date.between({
      from: new Date(snapshotMs - 730 * DAY_MS),
      to: new Date(snapshotMs),
    });
    ids.push(id);
    since.push(joined.getTime());
    rows.push([
      id,
      `${first} ${last}`,
      faker.internet.email({ firstName: first, lastName: last }),
      String(faker.number.int({ min: 18, max: 80 })),
      faker.helpers.arrayElement(GENDERS),
      faker.location.city(),
      faker.location.country(),
      joined.toISOString().slice(0, 10),
    ]);
  }
  const t1 = performance.now();
  const lastPurchase = new Map<string, number>();
  const out = new FileSink(join(dir, 'naive-sessions.csv'));
  out.write(csvHeader(SESSION_COLUMNS));
  for (let i = 0; i < sessions; i++) {
    const k = faker.number.int({ min: 0, max: customers - 1 });
    const from = new Date(Math.max(since[k] ?? 0, windowStart.getTime()));
    const start = faker.date.between({ from, to: new Date(snapshotMs) });
    const end = new Date(
      Math.min(snapshotMs, start.getTime() + faker.number.int({ min: 10, max: 3600 }) * 1000),
    );
    const pages = faker.number.int({ min: 1, max: 50 });
    const cart = faker.number.int({ min: 0, max: Math.min(pages, 10) });
    const bought = faker.number.int({ min: 0, max: cart });
    let spent = 0;
    for (let j = 0; j < bought; j++) spent += Number(faker.commerce.price({ min: 5, max: 200 }));
    if (bought > 0) lastPurchase.set(ids[k] ?? '', end.getTime());
    out.write(
      csvLine([
        `S${String(i + 1).padStart(7, '0')}`,
        ids[k] ?? '',
        start.toISOString(),
        end.toISOString(),
        String(pages),
        String(cart),
        String(bought),
        spent.toFixed(2),
        faker.helpers.arrayElement(DEVICE_TYPES),
        bought > 0 ? faker.helpers.arrayElement(PAYMENT_METHODS) : '',
      ]),
    );
  }
  out.close();
  const t2 = performance.now();
  const cust = new FileSink(join(dir, 'naive-customers.csv'));
  cust.write(csvHeader(CUSTOMER_COLUMNS));
  for (const [i, row] of rows.entries()) {
    const ref = lastPurchase.get(row[0] ?? '') ?? since[i] ?? 0;
    cust.write(csvLine([...row, isChurned(ref, snapshotMs) ? '1' : '0']));
  }
  cust.close();
  const t3 = performance.now();
  return { customerMs: t1 - t0 + (t3 - t2), sessionMs: t2 - t1 };
}

export const bench: Benchmark = {
  summary: 'batch generator vs a naive per-record Faker loop (same columns)',
  async run(argv: string[]): Promise<number> {
    const { json, figures } = runBench(argv);
    const produce = await produceComparison(110_000);
    printJson(json, 'generate', { ...figures, produce });
    return 0;
  },
};

function runBench(argv: string[]): { json: boolean; figures: Record<string, unknown> } {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string' },
      sessions: { type: 'string' },
      'naive-fraction': { type: 'string' },
      runs: { type: 'string' },
      ...JSON_OPTION,
    },
  });
  const customers = Number(values.customers ?? DEFAULT_GENERATE_OPTIONS.customers);
  const sessions = Number(values.sessions ?? DEFAULT_GENERATE_OPTIONS.sessions);
  const fraction = Number(values['naive-fraction'] ?? 0.1);
  const runs = Number(values.runs ?? 5);
  const snapshotMs = Date.parse(DEFAULT_GENERATE_OPTIONS.snapshotAt);
  const dir = mkdtempSync(join(tmpdir(), 'churnstream-bench-'));
  const subC = Math.max(1, Math.round(customers * fraction));
  const subS = Math.max(1, Math.round(sessions * fraction));
  // Wall and CPU time of one call; CPU time is steadier on a shared, loaded machine.
  const measure = (fn: () => unknown) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    fn();
    const used = process.cpuUsage(cpu);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
  };
  const batchOnce = () =>
    measure(() => {
      writeBatchDataset({
        population: generatePopulation({ customers, sessions, seed: 42 }),
        outDir: join(dir, 'batch'),
      });
    });
  // The behavioural model alone: population and every session drawn, nothing formatted or written.
  // No writer built on this model can beat it, which bounds the ratio any writer can reach.
  const modelOnce = () =>
    measure(() => {
      const gen = new SessionGenerator(generatePopulation({ customers, sessions, seed: 42 }));
      const d = emptyDraw();
      while (gen.nextDraw(d));
    });
  const naiveOnce = () => {
    let parts = { customerMs: 0, sessionMs: 0 };
    const m = measure(() => {
      parts = naive(dir, subC, subS, snapshotMs);
    });
    // Extrapolated per record, customers and sessions separately; CPU time scaled by the same split.
    const wall = (parts.customerMs / subC) * customers + (parts.sessionMs / subS) * sessions;
    return { wall, cpu: (m.cpu / m.wall) * wall, subsetWall: m.wall, parts };
  };
  try {
    batchOnce(); // warm-up: module loading and JIT
    naive(dir, Math.min(subC, 200), Math.min(subS, 2000), snapshotMs);
    // Interleaved, so that load changes on the machine hit both sides alike.
    const batch: { wall: number; cpu: number }[] = [];
    const naiveRuns: ReturnType<typeof naiveOnce>[] = [];
    const modelRuns: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < runs; r++) {
      batch.push(batchOnce());
      naiveRuns.push(naiveOnce());
      modelRuns.push(modelOnce());
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    const batchWall = median(batch.map((b) => b.wall));
    const batchCpu = median(batch.map((b) => b.cpu));
    const naiveWall = median(naiveRuns.map((n) => n.wall));
    const naiveCpu = median(naiveRuns.map((n) => n.cpu));
    const wallRatio = median(batch.map((b, k) => (naiveRuns[k]?.wall ?? Number.NaN) / b.wall));
    const cpuRatio = median(batch.map((b, k) => (naiveRuns[k]?.cpu ?? Number.NaN) / b.cpu));
    const modelWall = median(modelRuns.map((m) => m.wall));
    const modelRatio = median(modelRuns.map((m, k) => (naiveRuns[k]?.wall ?? Number.NaN) / m.wall));
    const per = naiveRuns[0]?.parts ?? { customerMs: 0, sessionMs: 0 };

    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(
      `population ${customers.toLocaleString('en')} customers x ${sessions.toLocaleString('en')} sessions, ` +
        `every file written (to ${dir}); ${runs} interleaved runs, medians`,
    );
    console.log(
      `  batch generator:  wall ${ms(batchWall)}, cpu ${ms(batchCpu)}   goal < 2000 ms: ${batchWall < 2000 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  naive Faker loop: wall ${ms(naiveWall)}, cpu ${ms(naiveCpu)}  (measured on ${subC.toLocaleString('en')} customers + ` +
        `${subS.toLocaleString('en')} sessions and extrapolated per record: ` +
        `${((1000 * per.customerMs) / subC).toFixed(1)} µs/customer, ${((1000 * per.sessionMs) / subS).toFixed(1)} µs/session)`,
    );
    console.log(
      `  ratio naive / batch: wall ${wallRatio.toFixed(1)}x, cpu ${cpuRatio.toFixed(1)}x   goal >= 20x: ` +
        (Math.max(wallRatio, cpuRatio) >= 20 ? 'met' : 'NOT met'),
    );
    console.log(
      `  bound: the model alone (sessions drawn, nothing written) takes ${ms(modelWall)}, ` +
        `naive / model ${modelRatio.toFixed(1)}x: no writer built on this model can exceed that ratio`,
    );
    return {
      json: values.json === true,
      figures: {
        customers,
        sessions,
        batch_wall_ms: batchWall,
        batch_cpu_ms: batchCpu,
        naive_wall_ms: naiveWall,
        naive_cpu_ms: naiveCpu,
        ratio_wall: wallRatio,
        ratio_cpu: cpuRatio,
        model_wall_ms: modelWall,
        ratio_model: modelRatio,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
