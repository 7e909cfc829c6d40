/**
 * What a dataset row without some of its optional columns (an imported transaction log has no
 * funnel, device, payment or demographics) becomes before it is an event. The event contracts
 * require those fields (the features service folds them, the documents carry them), so each empty
 * value gets the one value that adds nothing the data does not say, or the vocabulary's own word
 * for "not given":
 *
 * - name: the customer_id; email: `<customer_id>@unknown.invalid` (a reserved domain, so never a
 *   real address); gender: `unspecified`; country and location: `unknown`; age: 0 (the contract's
 *   integer has no "unknown"; a model trained on a folder without ages drops the feature).
 * - session_end: session_start (a transaction takes no time, as the dataset loader reads an absent
 *   session_end). products_added_to_cart: products_purchased, and pages_viewed: that count, the
 *   least funnel the purchase proves (the contract requires purchased <= cart adds <= pages).
 * - device_type: `desktop` and, for a session with a purchase, payment_method: `credit_card`: the
 *   vocabularies have no "unknown", so a log without them reads as a single channel.
 *
 * Values that are present are never changed: a row the contract still refuses is reported with it.
 */
import type { CustomerInput, SessionInput } from './load.documents';

export const ROW_DEFAULTS = {
  email_domain: 'unknown.invalid',
  gender: 'unspecified',
  country: 'unknown',
  age: 0,
  device_type: 'desktop',
  payment_method: 'credit_card',
} as const;

export function customerWithDefaults(c: CustomerInput): CustomerInput {
  const id = c.customer_id ?? '';
  const country = c.country ?? ROW_DEFAULTS.country;
  return {
    ...c,
    name: c.name ?? id,
    email: c.email ?? `${id}@${ROW_DEFAULTS.email_domain}`,
    age: c.age ?? ROW_DEFAULTS.age,
    gender: c.gender ?? ROW_DEFAULTS.gender,
    location: c.location ?? country,
    country,
  };
}

export function sessionWithDefaults(s: SessionInput): SessionInput {
  const purchased = s.products_purchased;
  const cart = s.products_added_to_cart ?? purchased;
  return {
    ...s,
    session_end: s.session_end ?? s.session_start,
    products_added_to_cart: cart,
    pages_viewed: s.pages_viewed ?? cart,
    device_type: s.device_type ?? ROW_DEFAULTS.device_type,
    payment_method:
      s.payment_method ?? (purchased !== null && purchased > 0 ? ROW_DEFAULTS.payment_method : null),
  };
}
