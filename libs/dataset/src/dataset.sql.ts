// SQL text for the loader's DuckDB tables: identifiers, literals, the typed columns and their parse checks.
import type { ColumnKind } from './dataset.schema';

/** SQL that is true when a VARCHAR value of this kind parses (NULL counts as parsable). */
export function parsableSql(kind: ColumnKind, col: string): string {
  const c = quoteIdent(col);
  switch (kind) {
    case 'string':
      return 'TRUE';
    case 'int':
      return `(${c} IS NULL OR regexp_full_match(${c}, '[+-]?[0-9]{1,18}'))`;
    case 'float':
      return `(${c} IS NULL OR regexp_full_match(${c}, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?'))`;
    case 'timestamp':
      return (
        `(${c} IS NULL OR (regexp_full_match(${c}, '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?')` +
        ` AND TRY_CAST(${c} AS TIMESTAMPTZ) IS NOT NULL))`
      );
  }
}

export const SQL_TYPE: Record<ColumnKind, string> = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  timestamp: 'TIMESTAMPTZ',
};

export const KIND_NAME: Record<ColumnKind, string> = {
  string: 'text',
  int: 'an integer',
  float: 'a number',
  timestamp: 'an ISO-8601 date or timestamp',
};

/** The column of a typed table that keeps a typed (non-text) column's original text. */
export function textColumn(name: string): string {
  return `__text_${name}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
