// What `analyze` returns and writes as report.json: its own file so that the pipeline that fills it
// and the renderers that read it both depend on it, not on each other.
import type { Skipped } from './absent.columns';
import type { CleaningResult } from './cleaning.policy';
import type { Insights } from './insights.questions';
import type { ManifestCheck } from './manifest.check';
import type { ModelSection } from './model.section';
import type { PolicyLine } from './quality.rules';
import type { QualityFiles } from './quality.report';
import type { GroupedDescribe } from './summary.stats';

export interface QualityJson {
  files: QualityFiles;
  cleaning: CleaningResult & { policy: PolicyLine[]; manifest_check: ManifestCheck | null };
}

export interface AnalysisReport {
  generated_at: string;
  input: {
    dir: string;
    snapshot_at: string;
    churn_window_days: number;
    rows: { customers: number; sessions: number };
    /** Optional columns the files leave out. */
    absent: { customers: string[]; sessions: string[] };
  };
  quality: QualityJson;
  label_check: { compared: number; mismatched: number };
  stats: { customers: GroupedDescribe; sessions: GroupedDescribe };
  insights: Insights;
  charts: string[];
  model: ModelSection | null;
  /** Statistics, charts and questions left out because the dataset lacks the columns they need. */
  skipped: Skipped[];
  timings_ms: Record<string, number>;
}
