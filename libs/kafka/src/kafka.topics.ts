import type { Kafka } from 'kafkajs';
import type { TopicNames } from '@churnstream/contracts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * The topics the system needs and their settings. Activity carries the population and is keyed by
 * customer_id, so its partition count bounds how many features replicas can share the work.
 */
export function topicSpecs(topics: TopicNames, activityPartitions: number): TopicSpec[] {
  return [
    { topic: topics.activity, numPartitions: activityPartitions },
    { topic: topics.sessions, numPartitions: activityPartitions },
    { topic: topics.features, numPartitions: activityPartitions },
    { topic: topics.flags, numPartitions: activityPartitions },
    { topic: topics.scores, numPartitions: activityPartitions },
    { topic: topics.deadLetter, numPartitions: 1 },
  ];
}

/** Creates the missing topics and waits for their leaders; existing topics are left as they are. */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions,
          replicationFactor: -1,
          ...(s.configEntries ? { configEntries: s.configEntries } : {}),
        })),
      });
    }
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return;
    await admin.deleteTopics({ topics: present, timeout: 30_000 });
    // Deletion completes asynchronously; creating a topic of the same name before it does fails.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const left = new Set(await admin.listTopics());
      if (!present.some((t) => left.has(t))) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteGroups(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const known = new Set(groups.map((g) => g.groupId));
    const present = groupIds.filter((g) => known.has(g));
    if (present.length > 0) await admin.deleteGroups(present);
  } finally {
    await admin.disconnect();
  }
}

export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
