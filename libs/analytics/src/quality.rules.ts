/**
 * The data-quality rules and the cleaning policy, as data, so that the quality report, the cleaning,
 * the HTML policy table and the tests all read one list.
 *
 * Cleaning policy, applied in this order (each step counts the rows it dropped or the values it
 * repaired, on what the previous steps left):
 *
 * | step | file | rule                          | action                                                        |
 * |------|------|-------------------------------|---------------------------------------------------------------|
 * | 1    | both | duplicate_rows                | drop every row equal to an earlier row (keep the first)       |
 * | 2    | both | duplicate_ids                 | drop rows whose id appeared earlier (keep the first)          |
 * | 3    | both | missing_<key or fact>         | drop: ids, timestamps, counts and spend cannot be guessed     |
 * | 4    | both | invalid facts (see below)     | drop: a session whose numbers contradict each other is unusable|
 * | 5    | both | invalid attributes            | repair: set the value to empty (unknown), keep the row        |
 * | 6    | sess | unknown_customer (cascade)    | drop sessions whose customer is not among the kept customers  |
 *
 * Missing attributes (name, email, age, gender, location, country, device_type, payment_method) are
 * kept as empty: the row's facts still hold and an unknown category is honest. The file's churned
 * column is kept but never used: churned is recomputed from the cleaned sessions.
 */
import { DEVICE_TYPES, GENDERS, PAYMENT_METHODS } from '@churnstream/contracts';
import { lit } from './sql.client';

export type RuleFile = 'customers' | 'sessions';
export type RuleAction = 'drop' | 'repair';

export interface QualityRule {
  readonly name: string;
  readonly file: RuleFile;
  readonly description: string;
  /** SQL true when a row breaks the rule; NULLs never break a rule (they are counted as nulls). */
  readonly violates: string;
  readonly action: RuleAction;
  /** The column set to empty by a repair. */
  readonly repairs?: string;
}

const inList = (values: readonly string[]): string => values.map(lit).join(', ');

/**
 * Sessions rules are evaluated on the session row plus two columns from its customer (the first row
 * of that customer_id in customers): `c_known` (the customer exists) and `c_since` (customer_since).
 * `snapshot` stands for the snapshot instant.
 */
export const QUALITY_RULES: readonly QualityRule[] = [
  {
    name: 'customer_since_after_snapshot',
    file: 'customers',
    description: 'customer_since later than snapshot_at',
    violates: 'customer_since > snapshot',
    action: 'drop',
  },
  {
    name: 'age_negative',
    file: 'customers',
    description: 'age below 0',
    violates: 'age < 0',
    action: 'repair',
    repairs: 'age',
  },
  {
    name: 'age_implausible',
    file: 'customers',
    description: 'age from 0 to 12 or above 120 (accounts need age 13+)',
    violates: '(age BETWEEN 0 AND 12 OR age > 120)',
    action: 'repair',
    repairs: 'age',
  },
  {
    name: 'gender_unknown',
    file: 'customers',
    description: `gender outside ${GENDERS.join('/')}`,
    violates: `gender NOT IN (${inList(GENDERS)})`,
    action: 'repair',
    repairs: 'gender',
  },
  {
    name: 'email_malformed',
    file: 'customers',
    description: 'email not of the form a@b.c',
    violates: `NOT regexp_full_match(email, '[^@\\s]+@[^@\\s]+[.][^@\\s]+')`,
    action: 'repair',
    repairs: 'email',
  },
  {
    name: 'churned_not_binary',
    file: 'customers',
    description: 'churned other than 0 or 1',
    violates: 'churned NOT IN (0, 1)',
    action: 'repair',
    repairs: 'churned',
  },
  {
    name: 'end_before_start',
    file: 'sessions',
    description: 'session_end before session_start',
    violates: 'session_end < session_start',
    action: 'drop',
  },
  {
    name: 'negative_count',
    file: 'sessions',
    description: 'pages_viewed, products_added_to_cart or products_purchased below 0',
    violates: '(pages_viewed < 0 OR products_added_to_cart < 0 OR products_purchased < 0)',
    action: 'drop',
  },
  {
    name: 'cart_adds_above_pages',
    file: 'sessions',
    description: 'products_added_to_cart above pages_viewed',
    violates: 'products_added_to_cart > pages_viewed',
    action: 'drop',
  },
  {
    name: 'purchases_above_cart_adds',
    file: 'sessions',
    description: 'products_purchased above products_added_to_cart',
    violates: 'products_purchased > products_added_to_cart',
    action: 'drop',
  },
  {
    name: 'negative_spend',
    file: 'sessions',
    description: 'total_spent below 0',
    violates: 'total_spent < 0',
    action: 'drop',
  },
  {
    name: 'spend_without_purchase',
    file: 'sessions',
    description: 'total_spent above 0 with no product purchased',
    violates: '(total_spent > 0 AND products_purchased = 0)',
    action: 'drop',
  },
  {
    name: 'purchase_without_spend',
    file: 'sessions',
    description: 'products purchased with total_spent 0',
    violates: '(products_purchased > 0 AND total_spent = 0)',
    action: 'drop',
  },
  {
    name: 'session_before_customer_since',
    file: 'sessions',
    description: "session_start before the customer's customer_since",
    violates: 'session_start < c_since',
    action: 'drop',
  },
  {
    name: 'session_after_snapshot',
    file: 'sessions',
    description: 'session_end later than snapshot_at',
    violates: 'session_end > snapshot',
    action: 'drop',
  },
  {
    name: 'unknown_customer',
    file: 'sessions',
    description: 'customer_id not found in customers',
    violates: '(customer_id IS NOT NULL AND NOT c_known)',
    action: 'drop',
  },
  {
    name: 'device_type_unknown',
    file: 'sessions',
    description: `device_type outside ${DEVICE_TYPES.join('/')}`,
    violates: `device_type NOT IN (${inList(DEVICE_TYPES)})`,
    action: 'repair',
    repairs: 'device_type',
  },
  {
    name: 'payment_method_unknown',
    file: 'sessions',
    description: `payment_method outside ${PAYMENT_METHODS.join('/')}`,
    violates: `payment_method NOT IN (${inList(PAYMENT_METHODS)})`,
    action: 'repair',
    repairs: 'payment_method',
  },
  {
    name: 'payment_without_purchase',
    file: 'sessions',
    description: 'payment_method given with no product purchased',
    violates: '(payment_method IS NOT NULL AND products_purchased = 0)',
    action: 'repair',
    repairs: 'payment_method',
  },
];

/** Columns whose emptiness makes a row unusable (step 3): ids, instants, counts and money. */
export const REQUIRED_COLUMNS: Record<RuleFile, readonly string[]> = {
  customers: ['customer_id', 'customer_since'],
  sessions: [
    'session_id',
    'customer_id',
    'session_start',
    'session_end',
    'pages_viewed',
    'products_added_to_cart',
    'products_purchased',
    'total_spent',
  ],
};

/**
 * Empty values that are part of the contract rather than missing data: payment_method is empty when
 * nothing was bought. They are nulls to pandas all the same, so quality.json counts them as nulls.
 */
export const LEGITIMATE_NULL: Partial<Record<RuleFile, Record<string, string>>> = {
  sessions: { payment_method: '(products_purchased = 0 OR products_purchased IS NULL)' },
};

export interface PolicyLine {
  step: number;
  file: string;
  rule: string;
  action: string;
  why: string;
}

/** The policy as rows, for the report and the HTML. */
export function cleaningPolicy(): PolicyLine[] {
  const lines: PolicyLine[] = [
    {
      step: 1,
      file: 'both',
      rule: 'duplicate_rows',
      action: 'drop later copies, keep the first',
      why: 'a row equal to an earlier row is the same record written twice',
    },
    {
      step: 2,
      file: 'both',
      rule: 'duplicate_ids',
      action: 'drop rows whose id appeared earlier, keep the first',
      why: 'ids must be unique; the first occurrence is taken as the original',
    },
    ...(['customers', 'sessions'] as const).flatMap((file) =>
      REQUIRED_COLUMNS[file].map((col) => ({
        step: 3,
        file,
        rule: `missing_${col}`,
        action: 'drop the row',
        why: `${col} is a key, instant, count or amount that cannot be guessed`,
      })),
    ),
    ...QUALITY_RULES.filter((r) => r.action === 'drop' && r.name !== 'unknown_customer').map((r) => ({
      step: 4,
      file: r.file,
      rule: r.name,
      action: 'drop the row',
      why: `${r.description}: the row's facts contradict each other or the contract`,
    })),
    ...QUALITY_RULES.filter((r) => r.action === 'repair').map((r) => ({
      step: 5,
      file: r.file,
      rule: r.name,
      action: `set ${r.repairs ?? '?'} to empty`,
      why: `${r.description}: the value is wrong but the rest of the row holds`,
    })),
    {
      step: 6,
      file: 'sessions',
      rule: 'unknown_customer',
      action: 'drop the row',
      why: 'a session needs a kept customer (also removes sessions of customers dropped above)',
    },
    {
      step: 0,
      file: 'both',
      rule: 'missing attributes',
      action: 'keep as empty',
      why: 'name, email, age, gender, location, country, device_type, payment_method may be unknown',
    },
  ];
  return lines;
}
