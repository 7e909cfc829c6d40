/**
 * A dataset that cleaning empties cannot be analysed or trained on: say which rule emptied it (the step
 * that dropped the most rows of the file left without rows), rather than failing later on empty tables.
 */
import { AppError } from '@churnstream/errors';
import type { CleaningResult } from './cleaning.policy';

export function assertNotEmptied(cleaning: CleaningResult, dir: string): void {
  for (const file of ['customers', 'sessions'] as const) {
    const f = cleaning[file];
    if (f.rows_after > 0 || f.rows_before === 0) continue;
    const worst = [...f.steps].filter((s) => s.action === 'drop').sort((a, b) => b.acted - a.acted)[0];
    const others = f.steps
      .filter((s) => s.action === 'drop' && s.acted > 0 && s !== worst)
      .map((s) => `${s.rule} ${s.acted}`)
      .join(', ');
    throw new AppError(
      'DATASET_INVALID',
      `${dir}/${file}.csv: cleaning dropped all ${f.rows_before} rows; rule ${worst?.rule ?? '?'} (step ${worst?.step ?? '?'}) ` +
        `dropped ${worst?.acted ?? 0}${others ? ` (then ${others})` : ''}`,
      { details: { file: `${file}.csv`, rule: worst?.rule } },
    );
  }
}
