import type { CustomerAggregateDto } from '@churnstream/contracts';
import { type CustomerAggregate, toCents } from '@churnstream/churn';

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** The aggregate as carried by features_updated, back in the units the feature function uses. */
export function aggregateFromDto(dto: CustomerAggregateDto): CustomerAggregate {
  return {
    customer_id: dto.customer_id,
    age: dto.age,
    gender: dto.gender,
    location: dto.location,
    country: dto.country,
    customer_since: ms(dto.customer_since),
    session_count: dto.session_count,
    pages_viewed_total: dto.pages_viewed_total,
    products_added_total: dto.products_added_total,
    products_purchased_total: dto.products_purchased_total,
    total_spent_cents: toCents(dto.total_spent),
    total_session_ms: Math.round(dto.total_session_seconds * 1000),
    first_seen_at: ms(dto.first_seen_at),
    last_active_at: ms(dto.last_active_at),
    last_purchase_at: ms(dto.last_purchase_at),
  };
}
