// Kafka in KRaft mode (one combined broker+controller) from the jars on Maven Central.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { LOOPBACK } from './health.util';
import { runMaven } from './maven.util';
import { CommandError, runCommand, spawnDetached } from './process.util';
import type { StackConfig } from './stack.config';
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

async function kafkaHealthy(port: number): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'churnstream-stack-health',
    brokers: [`${LOOPBACK}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
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
  const paths = serverPaths('kafka');
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
      const template = join(INFRA_ROOT, 'kafka', 'server.properties');
      writeFileSync(
        propsFile,
        renderTemplate(
          readFileSync(template, 'utf8'),
          { port: config.kafkaPort, controllerPort: config.kafkaControllerPort, dataDir: paths.data },
          template,
        ),
      );

      if (!existsSync(join(paths.data, 'meta.properties'))) {
        log(`kafka: formatting KRaft storage in ${paths.data} (cluster id ${KAFKA_CLUSTER_ID}) ...`);
        const args = [LOG4J, '-cp', classpath, 'kafka.tools.StorageTool', 'format'];
        await runCommand(java, [
          ...args,
          '-t',
          KAFKA_CLUSTER_ID,
          '-c',
          propsFile,
          '--ignore-formatted',
        ]).catch((error: unknown) => {
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

    healthy: () => kafkaHealthy(config.kafkaPort),
  };
}
