import type { Admin, Kafka } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: bigint;
  end: bigint;
  lag: bigint;
}

/**
 * Consumer lag of a group: for each partition, the log end offset minus the group's committed
 * offset (a partition the group never committed counts from the log start). Topics that do not
 * exist yet have no lag. Pass a connected `admin` to sample often without a new connection each time.
 */
export async function consumerLag(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  connected?: Admin,
): Promise<PartitionLag[]> {
  const admin = connected ?? kafka.admin();
  if (!connected) await admin.connect();
  try {
    const result: PartitionLag[] = [];
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return result;
    const committed = await admin.fetchOffsets({ groupId, topics: present });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const c = partitions.find((p) => p.partition === end.partition);
        const start = BigInt(end.low);
        const committedOffset = c && c.offset !== '-1' ? BigInt(c.offset) : start;
        const endOffset = BigInt(end.high);
        result.push({
          topic,
          partition: end.partition,
          committed: committedOffset,
          end: endOffset,
          lag: endOffset > committedOffset ? endOffset - committedOffset : 0n,
        });
      }
    }
    return result;
  } finally {
    if (!connected) await admin.disconnect();
  }
}

export function totalLag(lags: PartitionLag[]): number {
  return Number(lags.reduce((sum, l) => sum + l.lag, 0n));
}
