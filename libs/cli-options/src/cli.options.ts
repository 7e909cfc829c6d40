/**
 * Command-line options for every door that takes them (the CLI commands, the generator, npm start,
 * simulate, the load test, the benchmarks): node:util's parseArgs with its errors turned into one
 * line that names the option, plus typed readers of option values whose errors say what was expected.
 * A usage error is an AppError('CONFIG_INVALID'); `runMain` prints it as one line and exits 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '@churnstream/errors';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export function usageError(message: string, cause?: unknown): AppError {
  return new AppError('CONFIG_INVALID', message, cause === undefined ? {} : { cause });
}

export function isUsageError(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'CONFIG_INVALID';
}

/** parseArgs (strict) whose errors name the option and list the known ones, in one line. */
export function parseOptions<const O extends OptionsConfig>(
  argv: readonly string[],
  options: O,
  { positionals = false }: { positionals?: boolean } = {},
) {
  // `--customers -5` is a value to us, a short option to parseArgs: join it so the value gets checked.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else args.push(arg);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw error;
    const known = Object.keys(options)
      .map((o) => `--${o}`)
      .join(' ');
    const message = (error as Error).message;
    const option = /'(-[^' ]*)/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw usageError(`unknown option ${option ?? message} (options: ${known})`, error);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(message)?.[1] ?? message;
      throw usageError(`unexpected argument "${arg}" (options: ${known})`, error);
    }
    // ERR_PARSE_ARGS_INVALID_OPTION_VALUE: a value missing, or given to a flag.
    const flag = /^Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1] ?? option ?? '';
    const spec = options[flag.replace(/^--/, '')];
    throw usageError(
      spec?.type === 'boolean'
        ? `${flag}: a flag, takes no value`
        : `${flag}: expected a value (${flag} VALUE)`,
      error,
    );
  }
}

export interface NumberRule {
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  above?: number;
  below?: number;
}

/** "an integer >= 0", "a number > 0 and < 1": what a value of this rule must be. */
export function describeNumber(rule: NumberRule): string {
  const bounds = [
    rule.min === undefined ? null : `>= ${rule.min}`,
    rule.above === undefined ? null : `> ${rule.above}`,
    rule.max === undefined ? null : `<= ${rule.max}`,
    rule.below === undefined ? null : `< ${rule.below}`,
  ].filter((b) => b !== null);
  return `${rule.integer === true ? 'an integer' : 'a number'}${bounds.length > 0 ? ` ${bounds.join(' and ')}` : ''}`;
}

function fits(n: number, rule: NumberRule): boolean {
  return (
    Number.isFinite(n) &&
    (rule.integer !== true || Number.isSafeInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.below === undefined || n < rule.below)
  );
}

/** The option's number, or `fallback` when it was not given; anything else is a usage error. */
export function numberOption(
  name: string,
  value: string | undefined,
  rule: NumberRule,
  fallback: number,
): number;
export function numberOption(name: string, value: string | undefined, rule: NumberRule): number | undefined;
export function numberOption(
  name: string,
  value: string | undefined,
  rule: NumberRule,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!fits(n, rule)) throw usageError(`--${name}: expected ${describeNumber(rule)}, got "${value}"`);
  return n;
}

/** One of a fixed set of words. */
export function choiceOption<const C extends string>(
  name: string,
  value: string | undefined,
  choices: readonly C[],
  fallback: C,
): C {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw usageError(`--${name}: expected ${choices.join(' or ')}, got "${value}"`);
  return value as C;
}

/** An ISO-8601 instant (a bare date is midnight UTC), as given; undefined when not given. */
export function instantOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(Date.parse(value)))
    throw usageError(`--${name}: expected an ISO-8601 date or time (2026-06-30T00:00:00Z), got "${value}"`);
  return value;
}

/** An option that must be given. */
export function required(name: string, value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw usageError(`--${name} ${what} is required`);
  return value;
}

export interface RunMainOptions {
  /** A line printed under a usage error, e.g. where --help is. */
  hint?: string;
  /** End the process (process.exit) instead of only setting its exit code. */
  exit?: boolean;
  /** Print the stack of an error that is not an AppError (default true: it is a bug). */
  stack?: boolean;
}

/**
 * Runs a program's main and sets its exit code: a usage error prints `<program>: <message>` (one line,
 * plus the hint) and exits 2; another AppError prints one line and exits 1; anything else is a bug and
 * keeps its stack unless `stack: false`.
 */
export function runMain(program: string, main: () => Promise<number>, options: RunMainOptions = {}): void {
  const end = (code: number): void => {
    if (options.exit === true) process.exit(code);
    process.exitCode = code;
  };
  main().then(end, (error: unknown) => {
    // parseArgs called directly (not through parseOptions) throws its own TypeError: a usage error too.
    const code = (error as { code?: unknown }).code;
    const parseArgsError = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
    if (isUsageError(error) || parseArgsError) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      process.stderr.write(`${program}: ${message}${options.hint ? `\n${options.hint}` : ''}\n`);
      end(2);
      return;
    }
    if (error instanceof AppError)
      process.stderr.write(`${program}: error [${error.code}]: ${error.message}\n`);
    else if (options.stack === false || !(error instanceof Error))
      process.stderr.write(`${program}: ${error instanceof Error ? error.message : String(error)}\n`);
    else console.error(error);
    end(1);
  });
}
