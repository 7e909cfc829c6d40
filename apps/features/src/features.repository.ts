import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { CustomerAggregateDto } from '@churnstream/contracts';
import type { AggregateOp } from './activity.ops';

const SCRIPT = readFileSync(new URL('./aggregate.lua', import.meta.url), 'utf8');

export interface AppliedBatch {
  customers: StoredCustomer[];
  flags: { customer_id: string; churned: boolean; reference_ms: number }[];
  watermark_ms: number;
  /** Positions (in the ops given) of sessions refused because their customer never registered. */
  refused: number[];
}

export interface StoredCustomer {
  aggregate: CustomerAggregateDto;
  churned: boolean;
  version: number;
}

/**
 * The Redis side of the features service: per customer one hash of rolling aggregates, a set of the
 * event ids already applied to it, and per partition a watermark and a sorted set of customers by the
 * instant they become churned. All keys of one partition share a hash tag, so the script that
 * updates them stays on one slot (Redis Cluster works too).
 */
export class FeaturesRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly windowMs: number,
  ) {
    this.redis.defineCommand('churnstreamApplyBatch', { lua: SCRIPT });
  }

  private partitionPrefix(partition: number): string {
    return `${this.keyPrefix}{p${partition}}:`;
  }

  customerKey(partition: number, customerId: string): string {
    return `${this.partitionPrefix(partition)}c:${customerId}`;
  }

  async applyBatch(partition: number, ops: AggregateOp[]): Promise<AppliedBatch> {
    const p = this.partitionPrefix(partition);
    const keys = [`${p}due`, `${p}wm`];
    for (const op of ops) {
      const customer = op.t === 'k' ? '_clock' : op.c;
      keys.push(`${p}c:${customer}`, `${p}seen:${customer}`);
    }
    const argv = JSON.stringify({ window_ms: this.windowMs, key_prefix: `${p}c:`, ops });
    const apply = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
      .churnstreamApplyBatch;
    if (!apply) throw new Error('the aggregate script is not defined on this Redis client');
    const [customers, flags, watermark, refused] = (await apply.call(
      this.redis,
      keys.length,
      ...keys,
      argv,
    )) as [string[][], [string, number, number][], number, number[]];
    return {
      customers: customers.map(fromHash),
      flags: flags.map(([customer_id, churned, reference_ms]) => ({
        customer_id,
        churned: churned === 1,
        reference_ms,
      })),
      watermark_ms: watermark,
      refused,
    };
  }

  async watermark(partition: number): Promise<number | null> {
    const value = await this.redis.get(`${this.partitionPrefix(partition)}wm`);
    return value === null ? null : Number(value);
  }

  async customer(partition: number, customerId: string): Promise<StoredCustomer | null> {
    const hash = await this.redis.hgetall(this.customerKey(partition, customerId));
    if (Object.keys(hash).length === 0) return null;
    return fromHash(Object.entries(hash).flat());
  }
}

const iso = (ms: string | undefined): string | null =>
  ms === undefined ? null : new Date(Number(ms)).toISOString();
const int = (value: string | undefined): number => (value === undefined ? 0 : Number(value));

/** One pass over HGETALL's field/value list (this runs for every customer of every batch). */
function fromHash(flat: string[]): StoredCustomer {
  const h: Record<string, string> = {};
  const devices: string[] = [];
  const payments: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] as string;
    if (field.startsWith('dev:')) devices.push(field.slice(4));
    else if (field.startsWith('pay:')) payments.push(field.slice(4));
    else h[field] = flat[i + 1] as string;
  }
  const gender = h.gender as CustomerAggregateDto['gender'] | undefined;
  return {
    churned: h.flagged === '1',
    version: int(h.version),
    aggregate: {
      customer_id: h.customer_id ?? '',
      name: h.name ?? null,
      email: h.email ?? null,
      age: h.age === undefined ? null : Number(h.age),
      gender: gender ?? null,
      location: h.location ?? null,
      country: h.country ?? null,
      customer_since: iso(h.customer_since),
      session_count: int(h.session_count),
      pages_viewed_total: int(h.pages_viewed_total),
      products_added_total: int(h.products_added_total),
      products_purchased_total: int(h.products_purchased_total),
      total_spent: int(h.total_spent_cents) / 100,
      total_session_seconds: int(h.total_session_ms) / 1000,
      first_seen_at: iso(h.first_seen_at),
      last_active_at: iso(h.last_active_at),
      last_purchase_at: iso(h.last_purchase_at),
      devices_used: devices.sort() as CustomerAggregateDto['devices_used'],
      payment_methods_used: payments.sort() as CustomerAggregateDto['payment_methods_used'],
    },
  };
}
