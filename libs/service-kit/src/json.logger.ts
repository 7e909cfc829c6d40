import type { LoggerService } from '@nestjs/common';
import { AppError } from '@churnstream/errors';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured logs: one JSON object per line on stdout (errors on stderr), so that log shippers and
 * `jq` read them without parsing prose. Never pass secrets in `fields`.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: Level = 'info',
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  event(level: Level, message: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      service: this.service,
      message,
      ...fields,
    });
    if (level === 'error') process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context (a class name) as the last string argument.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (message instanceof Error) {
      // A server refusing our credentials is a configuration problem the message names: no stack.
      const refused = message instanceof AppError && message.code === 'DEPENDENCY_REFUSED';
      fields.error = {
        name: message.name,
        message: message.message,
        ...(refused ? {} : { stack: message.stack }),
      };
      this.event(level, message.message, fields);
      return;
    }
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'error' && typeof rest[0] === 'string' && rest.length > 1) fields.stack = rest[0];
    this.event(level, text, fields);
  }
}
