// The header line of a dataset file, checked against the contract (DuckDB's read_csv with explicit
// columns skips it unread), and DuckDB's CSV errors turned into ones that name file, line and column.
import { open, stat } from 'node:fs/promises';
import type { AppError } from '@churnstream/errors';
import type { ColumnSpec, FileSpec } from './dataset.schema';
import { invalid } from './dataset.error';

const HEADER_PROBE_BYTES = 64 * 1024;
const OTHER_DELIMITERS = [';', '\t', '|'];

export async function readHeaderLine(path: string, spec: FileSpec): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw invalid(
      `${path}: file not found (expected ${spec.file} with header ${headerOf(spec)})`,
      { file: path },
      cause,
    );
  }
  if (size === 0) {
    throw invalid(`${path} line 1, column 1: the file is empty (expected the header ${headerOf(spec)})`, {
      file: path,
      line: 1,
      column: spec.columns[0]?.name,
    });
  }
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, HEADER_PROBE_BYTES));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const end = text.indexOf('\n');
    return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
  } finally {
    await handle.close();
  }
}

function headerOf(spec: FileSpec): string {
  return spec.columns.map((c) => c.name).join(',');
}

/**
 * Compares the header line with the contract (read_csv with explicit columns would not): the contract's
 * columns in its order, optional ones possibly left out. Returns the columns present, in file order.
 */
export function checkHeader(path: string, spec: FileSpec, header: string): ColumnSpec[] {
  const names = header.split(',').map((n) => n.trim().replace(/^"(.*)"$/, '$1'));
  const expected = spec.columns.map((c) => c.name);
  if (names.length === 1 && expected.length > 1) {
    const other = OTHER_DELIMITERS.find((d) => header.includes(d));
    if (other !== undefined) {
      throw invalid(
        `${path} line 1, column 1: wrong delimiter: the header is split by ${JSON.stringify(other)}, expected ","`,
        { file: path, line: 1, column: 1 },
      );
    }
  }
  const present: ColumnSpec[] = [];
  let j = 0;
  const fail = (i: number, what: string, column: string | undefined): never => {
    throw invalid(
      `${path} line 1, column ${i + 1}: ${what} (expected header ${headerOf(spec)}; optional columns may be left out)`,
      { file: path, line: 1, column },
    );
  };
  for (let i = 0; i <= names.length; i++) {
    const found = names[i];
    // Skip the optional columns the file leaves out, up to the one it has (or to the end).
    let k = j;
    while (k < expected.length && expected[k] !== found && spec.columns[k]?.optional === true) k++;
    const want = expected[k];
    if (found === undefined) {
      if (want !== undefined) fail(i, `missing column "${want}"`, want);
      break;
    }
    if (want === found) {
      const column = spec.columns[k];
      if (column !== undefined) present.push(column);
      j = k + 1;
      continue;
    }
    const later = expected.indexOf(found, j);
    if (later > k && want !== undefined) fail(i, `missing column "${want}"`, want);
    if (want === undefined && expected.includes(found))
      fail(i, `column "${found}" out of order or repeated`, found);
    fail(
      i,
      want === undefined
        ? `unexpected extra column "${found}"`
        : `expected column "${expected[j] ?? want}", found "${found}"`,
      expected[j] ?? found,
    );
  }
  return present;
}

/** Turns a DuckDB CSV reader error into one that names file, line and column. */
export function csvError(path: string, spec: FileSpec, error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  const line = /Line: (\d+)/.exec(message)?.[1];
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  const firstLine = message.split('\n')[0] ?? message;
  if (line !== undefined && counts !== null) {
    const found = Number(counts[2]);
    const expected = Number(counts[1]);
    const col = found < expected ? spec.columns[found]?.name : spec.columns[expected - 1]?.name;
    const what =
      found < expected
        ? `${found} fields where ${expected} are expected: column "${col ?? '?'}" is missing (wrong delimiter?)`
        : `${found} fields where ${expected} are expected: extra field after column "${col ?? '?'}"`;
    return invalid(
      `${path} line ${line}, column ${Math.min(found, expected) + 1}: ${what}`,
      {
        file: path,
        line: Number(line),
        column: col,
      },
      error,
    );
  }
  return invalid(
    `${path} line ${line ?? '?'}, column ?: ${firstLine}`,
    { file: path, line: Number(line) },
    error,
  );
}
