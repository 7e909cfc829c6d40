/** Plain-text tables for the terminal: numbers right-aligned, everything else left-aligned. */
export type Cell = string | number | null | undefined;

export function fmtNumber(v: Cell, digits = 2): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e9)) return v.toExponential(2);
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function textTable(headers: string[], rows: Cell[][], title?: string): string {
  const cells = rows.map((r) => r.map((c) => fmtNumber(c)));
  const numeric = headers.map((_, i) =>
    rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (title !== undefined) out.unshift(`\n${title}`);
  return out.join('\n');
}
