export interface Benchmark {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/** Median wall time of `fn` over `runs` runs after `warmup` unmeasured ones, in milliseconds. */
export async function medianMs(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
