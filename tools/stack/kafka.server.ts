// Kafka in KRaft mode (one combined broker+controller) from the jars on Maven Central.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

import { LOOPBACK } from './health.util';
import { runMaven } from './maven.util';
import { CommandError, runCommand, spawnDetached } from './process.util';
import type { StackConfig } from './stack.config';
import { grantKafkaAcls } from './kafka.acls';
import { KAFKA_USERS, loadOrCreateSecrets, writePrivate } from './secure.secrets';
import { ensureCertificates, tlsFiles } from './secure.tls';
import { INFRA_ROOT, REPO_ROOT, serverPaths, stackDirs } from './stack.paths';
import { StackError, type StackServer } from './server.types';
import { renderTemplate } from './template.util';
import { KAFKA_SCALA_VERSION, KAFKA_VERSION } from './versions';

/**
 * Fixed so that the storage format is reproducible and docker-compose.yml can use the same id
 * (base64url of the 16 bytes "churnstream-dev!").
 */
export const KAFKA_CLUSTER_ID = 'Y2h1cm5zdHJlYW0tZGV2IQ';

const HEAP = ['-Xms512m', '-Xmx512m'];
const LOG4J = `-Dlog4j.configuration=file:${join(INFRA_ROOT, 'kafka', 'log4j.properties')}`;

export const kafkaLibsDir = join(stackDirs.cache, `kafka-${KAFKA_VERSION}`, 'libs');

function libsComplete(): boolean {
  return (
    existsSync(join(kafkaLibsDir, `kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar`)) &&
    existsSync(join(kafkaLibsDir, `kafka-tools-${KAFKA_VERSION}.jar`))
  );
}

/** How the stack's own tools reach the broker: plain, or as the `admin` SCRAM user over TLS. */
function stackClientAuth(config: StackConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (config.profile === 'plain') return {};
  const secrets = loadOrCreateSecrets();
  return {
    ssl: { ca: [readFileSync(tlsFiles.caCert, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: secrets.kafka.admin },
  };
}

export function stackKafkaClient(config: StackConfig, retries = 0): Kafka {
  return new Kafka({
    clientId: 'churnstream-stack',
    brokers: [`${LOOPBACK}:${config.kafkaPort}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries },
    ...stackClientAuth(config),
  });
}

async function kafkaHealthy(config: StackConfig): Promise<boolean> {
  const admin = stackKafkaClient(config).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function kafkaServer(config: StackConfig): StackServer {
  const paths = serverPaths('kafka', config.dirs);
  const secure = config.profile === 'secure';
  const java = join(config.javaHome, 'bin', 'java');
  const classpath = `${kafkaLibsDir}/*`;

  return {
    name: 'kafka',
    ports: [config.kafkaPort, config.kafkaControllerPort],
    paths,
    processMarker: 'kafka.Kafka',
    healthTimeoutMs: config.kafkaHealthTimeoutMs,

    version: () => KAFKA_VERSION,

    async install(log) {
      if (libsComplete()) return;
      log(`kafka: fetching Kafka ${KAFKA_VERSION} jars (Maven) ...`);
      // Copied to a side folder and renamed: an interrupted fetch never looks complete.
      const partial = `${kafkaLibsDir}.partial`;
      rmSync(partial, { recursive: true, force: true });
      await runMaven(
        [
          '-f',
          join(INFRA_ROOT, 'kafka', 'pom.xml'),
          `-Dkafka.version=${KAFKA_VERSION}`,
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${partial}`,
        ],
        REPO_ROOT,
      );
      rmSync(kafkaLibsDir, { recursive: true, force: true });
      renameSync(partial, kafkaLibsDir);
      if (!libsComplete())
        throw new StackError('kafka', `Maven did not produce the Kafka jars in ${kafkaLibsDir}`);
    },

    async start(log) {
      if (!existsSync(java)) {
        throw new StackError(
          'kafka',
          `no Java at ${java}: install openjdk-17-jdk-headless or set STACK_JAVA_HOME`,
        );
      }
      mkdirSync(paths.data, { recursive: true });
      mkdirSync(paths.conf, { recursive: true });
      const propsFile = join(paths.conf, 'server.properties');
      const template = join(INFRA_ROOT, 'kafka', secure ? 'server.secure.properties' : 'server.properties');
      const values = {
        port: config.kafkaPort,
        controllerPort: config.kafkaControllerPort,
        dataDir: paths.data,
      };
      const secrets = secure ? loadOrCreateSecrets() : undefined;
      if (secrets) {
        await ensureCertificates(secrets.kafkaStore, config.javaHome, log);
        Object.assign(values, {
          adminPassword: secrets.kafka.admin,
          keystore: tlsFiles.kafkaKeystore,
          truststore: tlsFiles.kafkaTruststore,
          storePassword: secrets.kafkaStore,
        });
      }
      writePrivate(propsFile, renderTemplate(readFileSync(template, 'utf8'), values, template));

      if (!existsSync(join(paths.data, 'meta.properties'))) {
        log(`kafka: formatting KRaft storage in ${paths.data} (cluster id ${KAFKA_CLUSTER_ID}) ...`);
        const args = [LOG4J, '-cp', classpath, 'kafka.tools.StorageTool', 'format'];
        // SCRAM users of a KRaft cluster are part of its bootstrap metadata, written at format time.
        const scram = secrets
          ? KAFKA_USERS.flatMap((user) => [
              '--add-scram',
              `SCRAM-SHA-512=[name=${user},password=${secrets.kafka[user]}]`,
            ])
          : [];
        await runCommand(
          java,
          [...args, '-t', KAFKA_CLUSTER_ID, '-c', propsFile, '--ignore-formatted', ...scram],
          { secrets: secrets ? Object.values(secrets.kafka) : [] },
        ).catch((error: unknown) => {
          const detail = error instanceof CommandError ? error.output : undefined;
          throw new StackError('kafka', `formatting storage failed: ${String(error)}`, detail);
        });
      }

      return spawnDetached({
        cmd: java,
        args: [
          ...HEAP,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          LOG4J,
          '-cp',
          classpath,
          'kafka.Kafka',
          propsFile,
        ],
        logFile: paths.log,
        cwd: paths.data,
      });
    },

    healthy: () => kafkaHealthy(config),

    ...(secure ? { provision: (log) => grantKafkaAcls(stackKafkaClient(config, 3), log) } : {}),
  };
}
