/**
 * What a dataset without some optional columns (see libs/dataset's ColumnSpec.optional) cannot show:
 * which derived statistics and charts depend on which source column, so analyze leaves those out and
 * says so instead of reporting columns of NULLs or failing on them.
 */
import type { Dataset } from '@churnstream/dataset';

export interface Skipped {
  what: string;
  because: string;
}

/** Derived columns and charts, each with the source columns it is computed from. */
const NEEDS: Record<string, readonly string[]> = {
  age: ['age'],
  total_pages_viewed: ['pages_viewed'],
  mean_pages_viewed: ['pages_viewed'],
  pages_viewed: ['pages_viewed'],
  total_products_added_to_cart: ['products_added_to_cart'],
  mean_products_added_to_cart: ['products_added_to_cart'],
  products_added_to_cart: ['products_added_to_cart'],
  total_session_duration: ['session_end'],
  mean_session_duration: ['session_end'],
  session_duration: ['session_end'],
  'chart session_duration_by_churn': ['session_end'],
  'chart purchase_rate_by_duration_decile': ['session_end'],
  'chart churn_by_device_type': ['device_type'],
  'chart churn_by_payment_method': ['payment_method'],
  'chart churn_by_age_band': ['age'],
  'chart churn_by_country': ['country'],
  'question long sessions and purchases': ['session_end'],
  'question time spent': ['session_end'],
};

export class AbsentColumns {
  readonly columns: ReadonlySet<string>;

  constructor(absent: Dataset['absent']) {
    this.columns = new Set([...absent.customers, ...absent.sessions]);
  }

  /** The absent source column that `what` (a derived column, `chart <name>`, `question <name>`) needs. */
  missingFor(what: string): string | undefined {
    return NEEDS[what]?.find((c) => this.columns.has(c));
  }

  has(what: string): boolean {
    return this.missingFor(what) === undefined;
  }

  /** The subset of `names` (derived columns, or prefixed) that can be computed. */
  keep<T extends string>(names: readonly T[], prefix = ''): T[] {
    return names.filter((n) => this.has(`${prefix}${n}`));
  }

  /** Everything of `names` that is left out, with the absent column that causes it. */
  skipped(names: readonly string[]): Skipped[] {
    return names.flatMap((what) => {
      const column = this.missingFor(what);
      return column === undefined ? [] : [{ what, because: `no ${column} column in the dataset` }];
    });
  }

  /** Everything analyze leaves out for this dataset. */
  allSkipped(): Skipped[] {
    return this.skipped(Object.keys(NEEDS));
  }
}
