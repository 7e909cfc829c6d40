/**
 * Compares what cleaning removed or repaired with what the generator's dirty mode says it injected
 * (manifest.json `dirty.<table>.injected` and `missing_by_column`). Each injected kind maps to the
 * cleaning steps that handle it; a missing value is either dropped with its row (a required column)
 * or kept as empty (an attribute).
 */
import type { CleaningResult, FileCleaning } from './cleaning.policy';

export interface KindCheck {
  injected: number;
  cleaned: number | null;
  match: boolean;
}

export interface ManifestCheck {
  customers: Record<string, KindCheck>;
  sessions: Record<string, KindCheck>;
  all_match: boolean;
}

/** Injected kind -> the cleaning steps whose counts add up to it. */
const KIND_STEPS: Record<string, readonly string[]> = {
  duplicate_rows: ['duplicate_rows'],
  duplicate_ids: ['duplicate_ids'],
  negative_age: ['age_negative'],
  end_before_start: ['end_before_start'],
  purchases_above_cart: ['purchases_above_cart_adds'],
  unknown_device: ['device_type_unknown'],
};

interface DirtySection {
  injected?: Record<string, number>;
  missing_by_column?: Record<string, number>;
}

function acted(file: FileCleaning, rule: string): number {
  return file.steps.filter((s) => s.rule === rule).reduce((a, s) => a + s.acted, 0);
}

/** What cleaning did about empty values of `column`: rows dropped for it, or empties kept. */
function missingHandled(file: FileCleaning, column: string): number {
  return acted(file, `missing_${column}`) + (file.missing_kept[column] ?? 0);
}

function checkFile(file: FileCleaning, dirty: DirtySection | undefined): Record<string, KindCheck> {
  const out: Record<string, KindCheck> = {};
  for (const [kind, injected] of Object.entries(dirty?.injected ?? {})) {
    let cleaned: number | null;
    if (kind === 'missing_values') {
      cleaned =
        file.steps.filter((s) => s.rule.startsWith('missing_')).reduce((a, s) => a + s.acted, 0) +
        Object.values(file.missing_kept).reduce((a, n) => a + n, 0);
    } else {
      const steps = KIND_STEPS[kind];
      cleaned = steps === undefined ? null : steps.reduce((a, r) => a + acted(file, r), 0);
    }
    out[kind] = { injected, cleaned, match: cleaned === injected };
  }
  for (const [column, injected] of Object.entries(dirty?.missing_by_column ?? {})) {
    const cleaned = missingHandled(file, column);
    out[`missing_values.${column}`] = { injected, cleaned, match: cleaned === injected };
  }
  return out;
}

/** Null when the manifest has no dirty section (a clean or user-supplied dataset). */
export function checkAgainstManifest(
  cleaning: CleaningResult,
  manifest: Record<string, unknown> | null,
): ManifestCheck | null {
  const dirty = manifest?.dirty as Record<string, DirtySection> | null | undefined;
  if (dirty === null || dirty === undefined || typeof dirty !== 'object') return null;
  const customers = checkFile(cleaning.customers, dirty.customers);
  const sessions = checkFile(cleaning.sessions, dirty.sessions);
  const all = [...Object.values(customers), ...Object.values(sessions)];
  return { customers, sessions, all_match: all.every((k) => k.match) };
}
