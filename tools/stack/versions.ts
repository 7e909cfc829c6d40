// The one place that pins the versions of the local stack's servers.
// docker-compose.yml mirrors these; change both together.

/** Newest 3.9.x: kafkajs 2.2.4 predates Kafka 4.0, which removed the old protocol versions it speaks. */
export const KAFKA_VERSION = '3.9.2';

/** Scala build of the broker artifact on Maven Central (org.apache.kafka:kafka_2.13). */
export const KAFKA_SCALA_VERSION = '2.13';

/** Matches the @elastic/elasticsearch 8.19.x client; the integ-test-zip of this version is on Maven Central. */
export const ELASTICSEARCH_VERSION = '8.19.21';

/** Redis comes from the OS packages (Debian bookworm: 7.0.15); we only require this major version. */
export const REDIS_MAJOR_VERSION = 7;

/** Both Kafka 3.9 and Elasticsearch 8.19 run on Java 17. */
export const DEFAULT_JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
