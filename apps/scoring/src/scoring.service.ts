import type { ChurnScore, FeaturesUpdated, TopicNames } from '@churnstream/contracts';
import type { EventProducer } from '@churnstream/kafka';
import { aggregateFromDto } from '@churnstream/model';
import type { ModelStore } from './model.store';

/**
 * The scoring use case: score a micro-batch of features_updated events with the current model (as of
 * each event's watermark, through the same feature function as training) and publish churn_score.
 * A score's id derives from the features event and the model version, so re-scoring after a
 * redelivery repeats the same id. The score carries the scored customer whole: it is what the
 * customer's document in the index is written from.
 */
export class ScoringService {
  constructor(
    private readonly models: ModelStore,
    private readonly producer: EventProducer,
    private readonly topics: TopicNames,
  ) {}

  async scoreBatch(events: FeaturesUpdated[]): Promise<number> {
    const model = this.models.current;
    const predictions = model.scoreAggregates(
      events.map((features) => ({
        aggregate: aggregateFromDto(features.aggregate),
        asOfMs: Date.parse(features.watermark),
      })),
    );
    const scores = events.map((features, i) => {
      const prediction = predictions[i];
      if (!prediction) throw new Error('the model returned fewer predictions than rows');
      const score: ChurnScore = {
        event_id: `score:${features.event_id}:${model.version}`,
        event_time: features.event_time,
        event_type: 'churn_score',
        schema_version: 2,
        customer_id: features.aggregate.customer_id,
        churn_probability: prediction.churn_probability,
        churn_predicted: prediction.churn_predicted,
        threshold: model.threshold,
        model_version: model.version,
        features_event_id: features.event_id,
        watermark: features.watermark,
        version: features.version,
        churned: features.churned,
        aggregate: features.aggregate,
      };
      return { topic: this.topics.scores, key: score.customer_id, event: score };
    });
    await this.producer.send(scores);
    return scores.length;
  }
}
