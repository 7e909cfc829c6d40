/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops over typed arrays whose indices are in range by construction; a fallback per access would hide bugs and cost time */
/**
 * A small, fast, seedable PRNG (sfc32) and the distributions the behavioural model draws from.
 *
 * Faker is far too slow to call per record, and Math.random cannot be seeded. Every customer gets
 * its own stream, keyed by (seed, purpose, customer index), so what a customer does never depends
 * on the order in which customers are visited: the batch files and the event stream draw the same
 * numbers even though they consume customers in different orders.
 */
const TWO_POW_32 = 4_294_967_296;

/** Mixes three integers into a well-spread 32-bit value (murmur3 finaliser on a running hash). */
export function mix32(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b ^ 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(c ^ 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * sfc32 over a slot of a shared Uint32Array, so that a million per-customer generators cost
 * 16 bytes each and no objects. `at(slot)` selects which generator the next draws come from. The
 * state may live inside a caller's buffer (`stride` and `base` in 32-bit words), next to other
 * per-slot data, so that one customer's data shares cache lines.
 */
export class Rng {
  private readonly state: Uint32Array;
  private readonly stride: number;
  private readonly base: number;
  private o = 0;

  constructor(slots = 1, state?: Uint32Array, stride = 4, base = 0) {
    this.state = state ?? new Uint32Array(slots * 4);
    this.stride = state === undefined ? 4 : stride;
    this.base = state === undefined ? 0 : base;
  }

  /** A single generator seeded from (seed, stream, index). */
  static of(seed: number, stream: number, index = 0): Rng {
    const rng = new Rng(1);
    rng.seedSlot(0, seed, stream, index);
    return rng;
  }

  seedSlot(slot: number, seed: number, stream: number, index: number): this {
    const o = slot * this.stride + this.base;
    const s = this.state;
    s[o] = mix32(seed, stream, index);
    s[o + 1] = mix32(index, seed, stream + 0x51ed27);
    s[o + 2] = mix32(stream, index + 0x2545f491, seed);
    s[o + 3] = 1;
    this.o = o;
    for (let i = 0; i < 12; i++) this.u32();
    return this;
  }

  at(slot: number): this {
    this.o = slot * this.stride + this.base;
    return this;
  }

  u32(): number {
    const s = this.state;
    const o = this.o;
    const a = s[o]!;
    const b = s[o + 1]!;
    const c = s[o + 2]!;
    const d = s[o + 3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[o + 3] = (d + 1) | 0;
    s[o] = b ^ (b >>> 9);
    s[o + 1] = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    s[o + 2] = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform in the open interval (0, 1): safe to take logarithms of. */
  uniform(): number {
    return (this.u32() + 0.5) / TWO_POW_32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  chance(p: number): boolean {
    return this.uniform() < p;
  }

  normal(mean = 0, sd = 1): number {
    // Box-Muller, one value per call: simpler to keep deterministic than a cached pair.
    const u = this.uniform();
    const v = this.uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-scale standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (with the shape < 1 boost). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta with the given mean and concentration (alpha + beta). */
  beta(mean: number, concentration: number): number {
    const x = this.gamma(mean * concentration);
    const y = this.gamma((1 - mean) * concentration);
    return x / (x + y);
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      // Inversion by sequential search: exact and fast for small means.
      let k = 0;
      let p = Math.exp(-lambda);
      let cdf = p;
      const u = this.uniform();
      while (u > cdf && k < 1000) {
        k++;
        p *= lambda / k;
        cdf += p;
      }
      return k;
    }
    return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
  }

  /** Index drawn from cumulative weights (last entry is the total). */
  pick(cumulative: ArrayLike<number>): number {
    const n = cumulative.length;
    const x = this.uniform() * (cumulative[n - 1] ?? 0);
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i] ?? 0;
    out[i] = sum;
  }
  return out;
}
