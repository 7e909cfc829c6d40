import type { ActivityEvent, ChurnScore, ModelEvaluation } from '@churnstream/contracts';
import type { DriftReference } from '@churnstream/model';
import { driftBins, driftSummary } from './drift.monitor';
import type { EvaluationStore, PredictionFact, PurchaseFact, TickFact } from './evaluation.store';
import { predictionDay, summarizeDay } from './prediction.outcome';

/** Where a day's new state goes (a topic, an index, gauges); must be idempotent by event id. */
export interface EvaluationPublisher {
  publish(evaluations: readonly ModelEvaluation[]): Promise<void>;
}

/** The drift reference of a model version (from its artifact), or null when there is none. */
export type ReferenceLookup = (modelVersion: string) => Promise<DriftReference | null>;

/** The model inputs of a score, by feature name, when the score carries them; else null. */
export type ScoreInputs = (score: ChurnScore) => Record<string, number> | null;

/**
 * The online evaluation use case (definitions in prediction.outcome.ts). Activity batches bring
 * purchases and clock ticks, score batches bring predictions; both are applied to the store in one
 * atomic step, which also matures every pending prediction the watermark has passed. `flush`
 * publishes the days that changed since their last publication: the set of changed days lives in the
 * store, so a crash between applying and publishing loses no publication, and a repeated one carries
 * the same event id and revision.
 */
export class EvaluationService {
  /** Applying and flushing take turns: a flush must not forget a change made while it published. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EvaluationStore,
    private readonly publisher: EvaluationPublisher,
    private readonly references: ReferenceLookup,
    private readonly inputs: ScoreInputs,
    private readonly partitions: number,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  applyActivity(partition: number, events: readonly ActivityEvent[]) {
    return this.serial(() => this.applyActivityNow(partition, events));
  }

  applyScores(scores: readonly ChurnScore[]) {
    return this.serial(() => this.applyScoresNow(scores));
  }

  /** Publishes the days that changed; returns how many. */
  flush(): Promise<number> {
    return this.serial(() => this.flushNow());
  }

  private async applyActivityNow(partition: number, events: readonly ActivityEvent[]) {
    const buys: PurchaseFact[] = [];
    const ticks: TickFact[] = [];
    for (const e of events) {
      if (e.event_type === 'session_ended' && e.session.products_purchased > 0) {
        buys.push({
          customer_id: e.session.customer_id,
          session_id: e.session.session_id,
          end_ms: Date.parse(e.session.session_end),
        });
      } else if (e.event_type === 'clock_tick') {
        ticks.push({ partition, time_ms: Date.parse(e.event_time) });
      }
    }
    if (buys.length === 0 && ticks.length === 0) return null;
    return this.store.apply(this.partitions, { buys, ticks, predictions: [] });
  }

  private async applyScoresNow(scores: readonly ChurnScore[]) {
    const predictions: PredictionFact[] = [];
    for (const s of scores) {
      const issuedAt = Date.parse(s.watermark);
      const reference = await this.references(s.model_version);
      const bins = reference ? driftBins(reference, s.churn_probability, this.inputs(s)) : null;
      predictions.push({
        id: s.event_id,
        customer_id: s.customer_id,
        issued_at_ms: issuedAt,
        probability: String(s.churn_probability),
        day: predictionDay(issuedAt),
        model_version: s.model_version,
        score_bin: bins?.score ?? -1,
        feature_bins: bins?.features ?? {},
      });
    }
    return this.store.apply(this.partitions, { buys: [], ticks: [], predictions });
  }

  /** The current state of some days (all when `keys` is omitted), as model_evaluation events. */
  async evaluations(keys?: readonly string[]): Promise<ModelEvaluation[]> {
    const wanted = keys ?? (await this.store.allDays());
    const watermark = await this.store.watermark(this.partitions);
    const out: ModelEvaluation[] = [];
    for (const key of wanted) {
      const state = await this.store.day(key);
      const summary = summarizeDay(state.matured);
      const drift = driftSummary(await this.references(state.model_version), state.drift);
      const revision = state.issued + summary.matured;
      out.push({
        event_id: `evaluation:${state.model_version}:${state.day}:r${revision}`,
        event_time: new Date(Math.max(0, watermark)).toISOString(),
        event_type: 'model_evaluation',
        schema_version: 1,
        day: state.day,
        model_version: state.model_version,
        issued: state.issued,
        ...summary,
        drift,
        revision,
        watermark: new Date(Math.max(0, watermark)).toISOString(),
      });
    }
    return out;
  }

  private async flushNow(): Promise<number> {
    const dirty = await this.store.dirtyDays();
    if (dirty.length === 0) return 0;
    await this.publisher.publish(await this.evaluations(dirty));
    await this.store.published(dirty);
    return dirty.length;
  }
}
