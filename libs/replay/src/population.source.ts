import {
  type ActivityEventOptions,
  type GenerateOptions,
  activityEventCount,
  activityEvents,
  generatePopulation,
} from '@churnstream/simulation';
import type { ActivityEvent } from '@churnstream/contracts';
import type { ActivitySource } from './activity.stream';

const CHUNK = 1_000;

/** The generated population's activity (libs/simulation's activityEvents) as a stream source. */
export function populationSource(
  options: GenerateOptions,
  events: ActivityEventOptions = {},
): ActivitySource {
  const population = generatePopulation(options);
  return {
    total: activityEventCount(population, events),
    windowStartMs: population.windowStartMs,
    snapshotAtMs: population.snapshotAtMs,
    // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async for sources that read files
    async *chunks() {
      let chunk: ActivityEvent[] = [];
      for (const event of activityEvents(population, events)) {
        chunk.push(event);
        if (chunk.length >= CHUNK) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    },
  };
}
