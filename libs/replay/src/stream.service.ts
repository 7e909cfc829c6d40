import type { TopicNames } from '@churnstream/contracts';
import type { EventProducer } from '@churnstream/kafka';
import { DAY_MS } from '@churnstream/churn';
import type { GenerateOptions } from '@churnstream/simulation';
import {
  type ActivitySource,
  type ActivityStreamOptions,
  type StreamProgress,
  streamActivity,
} from './activity.stream';
import { populationSource } from './population.source';

export interface StreamOptions extends Omit<ActivityStreamOptions, 'paceFromMs'> {
  /** The generated population to stream, unless `source` is given. */
  population: GenerateOptions;
  /** Another activity source (a dataset folder replayed: datasetSource). */
  source?: ActivitySource;
  tickEveryMs: number;
  /**
   * At a simulated speed, the first days of the session window also go out at once (after the
   * sign-ups before it), so that a live run starts with that much purchase history behind the churn
   * rule instead of flagging every long-standing customer on day one. 0 by default.
   */
  warmUpDays?: number;
}

/**
 * The streaming use case the generator app, the load test and the benches share: streamActivity over
 * the generated population (or the source given), paced from the end of the warm-up.
 */
export class StreamService {
  constructor(
    private readonly producer: EventProducer,
    private readonly topics: TopicNames,
  ) {}

  async run(options: StreamOptions): Promise<StreamProgress> {
    const { population, source: given, tickEveryMs, warmUpDays, ...stream } = options;
    const source = given ?? populationSource(population, { tickEveryMs });
    const paceFromMs = Math.min(source.snapshotAtMs, source.windowStartMs + (warmUpDays ?? 0) * DAY_MS);
    return streamActivity(this.producer, this.topics, source, { ...stream, paceFromMs });
  }
}
