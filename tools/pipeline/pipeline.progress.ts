import type { Kafka } from 'kafkajs';
import type { Config } from '@churnstream/config';
import { type GroupLag, pipelineLag } from '@churnstream/kafka';

export { type GroupLag, pipelineLag, topicSizes } from '@churnstream/kafka';

/**
 * Waits until every group has consumed everything, twice in a row a second apart: features and
 * scoring produce while they consume, so one zero reading can precede their last output.
 */
export async function waitCaughtUp(
  kafka: Kafka,
  config: Config,
  options: { timeoutMs: number; onPoll?: (lags: GroupLag[]) => void; evaluator?: boolean },
): Promise<GroupLag[]> {
  const deadline = Date.now() + options.timeoutMs;
  let zeroes = 0;
  for (;;) {
    const lags = await pipelineLag(kafka, config.TOPIC_PREFIX, { evaluator: options.evaluator ?? false });
    options.onPoll?.(lags);
    zeroes = lags.every((l) => l.lag === 0) ? zeroes + 1 : 0;
    if (zeroes >= 3) return lags;
    if (Date.now() > deadline) {
      throw new Error(
        `consumers did not catch up within ${options.timeoutMs / 1000}s: ${lags.map((l) => `${l.group} lag ${l.lag}`).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
