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
    config = loadConfig();
  } catch (error) {
    const message = error instanceof AppError ? error.message : String(error);
    process.stderr.write(`${options.service}: ${message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  const logger = new JsonLogger(options.service, config.LOG_LEVEL);
  const app = await NestFactory.create(options.module(config), {
    logger,
    abortOnError: false,
  } as NestApplicationOptions);
  app.enableShutdownHooks();
  const port = config.PORT ?? options.defaultPort;
  await app.listen(port, config.HTTP_HOST);
  logger.event('info', 'service started', {
    url: `http://${config.HTTP_HOST}:${port}`,
    config: describeConfig(config),
  });
  return app;
}
