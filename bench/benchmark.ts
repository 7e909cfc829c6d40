export interface Benchmark {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/** Wall times of `fn` over `runs` runs after `warmup` unmeasured ones, in milliseconds, sorted. */
export async function timesMs(fn: () => unknown, runs = 5, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/** The q-quantile (0..1) of sorted times, nearest rank below. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Median wall time of `fn` over `runs` runs after `warmup` unmeasured ones, in milliseconds. */
export async function medianMs(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  return quantile(await timesMs(fn, runs, warmup), 0.5);
}

/** The `--json` option every benchmark takes (parseArgs). */
export const JSON_OPTION = { json: { type: 'boolean' } } as const;

/**
 * With `--json`, the benchmark's figures as one JSON line, the last line of stdout, for scripts to read
 * (`tail -n 1`); the human table above it stays as it is.
 */
export function printJson(json: boolean | undefined, bench: string, figures: Record<string, unknown>): void {
  if (json === true) console.log(JSON.stringify({ bench, ...figures }));
}
