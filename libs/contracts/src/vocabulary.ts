/** Closed vocabularies shared by the generator, the contracts, the cleaning rules and the mappings. */
export const GENDERS = ['female', 'male', 'non_binary', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];

export const DEVICE_TYPES = ['mobile', 'desktop', 'tablet'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const PAYMENT_METHODS = [
  'credit_card',
  'debit_card',
  'paypal',
  'apple_pay',
  'google_pay',
  'bank_transfer',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A customer is churned when this many days (or more) passed since their last purchase. */
export const CHURN_WINDOW_DAYS = 60;
