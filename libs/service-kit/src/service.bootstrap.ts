import 'reflect-metadata';
import {
  type DynamicModule,
  type INestApplication,
  type NestApplicationOptions,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Config, describeConfig, loadConfig } from '@churnstream/config';
import { AppError } from '@churnstream/errors';
import { JsonLogger } from './json.logger';

export interface BootstrapOptions {
  service: string;
  defaultPort: number;
  /** Builds the root module from the validated config. */
  module: (config: Config) => Type | DynamicModule;
}

/**
 * Starts one service: validates the config once (exit 1 with the bad variable named), builds the
 * Nest application with JSON logs, listens for HTTP (/health, /metrics, the service's routes) and
 * closes cleanly on SIGINT/SIGTERM so consumers commit and leave their group.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication | undefined> {
  let config: Config;
  try {
    config = loadConfig(process.env, options.service);
  } catch (error) {
    const message = error instanceof AppError ? error.message : String(error);
    process.stderr.write(`${options.service}: ${message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  const logger = new JsonLogger(options.service, config.LOG_LEVEL);
  let app: INestApplication;
  try {
    app = await NestFactory.create(options.module(config), {
      logger,
      abortOnError: false,
    } as NestApplicationOptions);
  } catch (error) {
    // A server refused our credentials or certificate: one line naming the server and the setting.
    if (!(error instanceof AppError) || error.code !== 'DEPENDENCY_REFUSED') throw error;
    process.stderr.write(`${options.service}: ${error.message}\n`);
    process.exit(1);
  }
  // Our own signal handling instead of enableShutdownHooks: Nest's re-raises the signal after closing,
  // which ends the process with no exit code; we close (consumers commit and leave) and exit 0.
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.event('info', 'shutting down', { signal });
    const force = setTimeout(() => {
      logger.event('error', 'shutdown took too long; exiting', { signal });
      process.exit(1);
    }, 20_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.event('error', 'shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  const port = config.PORT ?? options.defaultPort;
  await app.listen(port, config.HTTP_HOST);
  logger.event('info', 'service started', {
    url: `http://${config.HTTP_HOST}:${port}`,
    config: describeConfig(config),
  });
  return app;
}
