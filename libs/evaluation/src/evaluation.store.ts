import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { DriftCounts } from './drift.monitor';
import type { MaturedPrediction } from './prediction.outcome';

const SCRIPT = readFileSync(new URL('./evaluation.lua', import.meta.url), 'utf8');

export interface PurchaseFact {
  customer_id: string;
  session_id: string;
  end_ms: number;
}

export interface TickFact {
  partition: number;
  time_ms: number;
}

export interface PredictionFact {
  id: string;
  customer_id: string;
  issued_at_ms: number;
  /** Exact decimal text of the probability (String(p) round-trips), so stored outcomes lose nothing. */
  probability: string;
  day: string;
  model_version: string;
  score_bin: number;
  feature_bins: Record<string, number>;
}

export interface AppliedEvaluation {
  watermark_ms: number;
  accepted: number;
  matured: number;
}

export interface DayState {
  day: string;
  model_version: string;
  issued: number;
  matured: MaturedPrediction[];
  drift: DriftCounts;
}

/** "<day>|<model version>": the state's name of one evaluated day. */
export function dayStateKey(day: string, modelVersion: string): string {
  return `${day}|${modelVersion}`;
}

/**
 * The Redis side of the online evaluation: purchase times per customer, the watermark per activity
 * partition, the pending predictions by maturity instant, the matured ones with their outcomes per
 * day, and the drift counts. One Lua script applies a batch atomically; every key shares the
 * `{eval}` hash tag, so the script stays on one slot of a Redis Cluster too.
 */
export class EvaluationStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly horizonMs: number,
  ) {
    this.prefix = `${keyPrefix}{eval}:`;
    this.redis.defineCommand('churnstreamEvaluate', { numberOfKeys: 0, lua: SCRIPT });
  }

  async apply(
    partitions: number,
    facts: { buys: PurchaseFact[]; ticks: TickFact[]; predictions: PredictionFact[] },
  ): Promise<AppliedEvaluation> {
    const argv = JSON.stringify({
      horizon_ms: this.horizonMs,
      partitions,
      buys: facts.buys.map((b) => ({ c: b.customer_id, sid: b.session_id, end: b.end_ms })),
      ticks: facts.ticks.map((t) => ({ p: t.partition, time: t.time_ms })),
      preds: facts.predictions.map((p) => ({
        id: p.id,
        c: p.customer_id,
        t: p.issued_at_ms,
        p: p.probability,
        d: p.day,
        m: p.model_version,
        sb: p.score_bin,
        // An empty Lua table encodes as {} either way; cjson needs an object here, never an array.
        fb: p.feature_bins,
      })),
    });
    const run = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
      .churnstreamEvaluate;
    if (!run) throw new Error('the evaluation script is not defined on this Redis client');
    const [wm, accepted, matured] = (await run.call(this.redis, this.prefix, argv)) as [
      string,
      number,
      number,
    ];
    return { watermark_ms: Number(wm), accepted, matured };
  }

  async watermark(partitions: number): Promise<number> {
    const values = await this.redis.hmget(
      `${this.prefix}wm`,
      ...Array.from({ length: partitions }, (_, p) => String(p)),
    );
    return Math.min(...values.map((v) => (v === null ? -1 : Number(v))));
  }

  async dirtyDays(): Promise<string[]> {
    return (await this.redis.smembers(`${this.prefix}dirty`)).sort();
  }

  async allDays(): Promise<string[]> {
    return (await this.redis.smembers(`${this.prefix}days`)).sort();
  }

  /** Forgets that these days changed, once their new state has been published. */
  async published(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.srem(`${this.prefix}dirty`, ...keys);
  }

  async pendingCount(): Promise<number> {
    return this.redis.zcard(`${this.prefix}pending`);
  }

  async day(key: string): Promise<DayState> {
    const sep = key.indexOf('|');
    const [matured, issued, bins] = await Promise.all([
      this.redis.hgetall(`${this.prefix}m:${key}`),
      this.redis.hget(`${this.prefix}i:${key}`, 'n'),
      this.redis.hgetall(`${this.prefix}h:${key}`),
    ]);
    const drift: DriftCounts = { score: [], features: {} };
    for (const [field, value] of Object.entries(bins)) {
      const n = Number(value);
      if (field.startsWith('s:')) drift.score[Number(field.slice(2))] = n;
      else if (field.startsWith('f:')) {
        const at = field.lastIndexOf(':');
        const name = field.slice(2, at);
        (drift.features[name] ??= [])[Number(field.slice(at + 1))] = n;
      }
    }
    return {
      day: key.slice(0, sep),
      model_version: key.slice(sep + 1),
      issued: Number(issued ?? 0),
      matured: Object.entries(matured).map(([id, value]) => {
        const comma = value.lastIndexOf(',');
        return {
          id,
          probability: Number(value.slice(0, comma)),
          outcome: value.slice(comma + 1) === '1' ? 1 : 0,
        };
      }),
      drift,
    };
  }
}
