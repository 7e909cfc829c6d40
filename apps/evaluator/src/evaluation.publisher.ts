import type { Client } from '@elastic/elasticsearch';
import type { ModelEvaluation, TopicNames } from '@churnstream/contracts';
import type { EvaluationPublisher } from '@churnstream/evaluation';
import type { EventProducer } from '@churnstream/kafka';
import { writeEvaluations } from '@churnstream/search';
import type { EvaluationMetrics } from '@churnstream/service-kit';

/** A day's new state goes to the evaluation topic, the evaluation index and /metrics. */
export class TopicIndexGaugePublisher implements EvaluationPublisher {
  constructor(
    private readonly producer: EventProducer,
    private readonly topics: TopicNames,
    private readonly es: Client,
    private readonly index: string,
    private readonly gauges: EvaluationMetrics,
  ) {}

  async publish(evaluations: readonly ModelEvaluation[]): Promise<void> {
    await this.producer.send(
      evaluations.map((e) => ({ topic: this.topics.evaluation, key: e.model_version, event: e })),
    );
    await writeEvaluations(this.es, this.index, evaluations);
    this.gauges.record(evaluations);
  }
}
