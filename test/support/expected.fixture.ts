import { applySession, isChurned, registeredAggregate, type CustomerAggregate } from '@churnstream/churn';
import { type GenerateOptions, generatePopulation, sessionStream } from '@churnstream/simulation';

export interface ExpectedCustomer {
  aggregate: CustomerAggregate;
  churned: boolean;
}

/**
 * The batch answer for a population: every customer's aggregate folded from all sessions with the
 * library fold, and the batch churn label at snapshot_at. Streaming results must equal this exactly.
 */
export function expectedCustomers(options: GenerateOptions): Map<string, ExpectedCustomer> {
  const pop = generatePopulation(options);
  const byId = new Map<string, CustomerAggregate>();
  for (let i = 0; i < pop.customerCount; i++) {
    const c = pop.customer(i);
    byId.set(c.customer_id, registeredAggregate(c));
  }
  for (const s of sessionStream(pop)) {
    const agg = byId.get(s.customer_id);
    if (!agg) throw new Error(`session ${s.session_id} of unknown customer ${s.customer_id}`);
    byId.set(s.customer_id, applySession(agg, s));
  }
  const result = new Map<string, ExpectedCustomer>();
  for (const [id, aggregate] of byId) {
    const reference = aggregate.last_purchase_at ?? aggregate.customer_since ?? 0;
    result.set(id, { aggregate, churned: isChurned(reference, pop.snapshotAtMs) });
  }
  return result;
}
