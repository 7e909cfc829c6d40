/**
 * One error type for the whole system: a stable code to branch on, the cause that led to it,
 * and whether trying again can succeed (a broker that is restarting) or not (a malformed event).
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONTRACT_INVALID'
  | 'CONTRACT_UNPARSABLE'
  | 'CONTRACT_TOO_LARGE'
  | 'UNKNOWN_CUSTOMER'
  | 'DEPENDENCY_UNAVAILABLE'
  | 'DEPENDENCY_REFUSED'
  | 'DATASET_INVALID'
  | 'MODEL_MISSING'
  | 'MODEL_INVALID'
  | 'INDEX_REJECTED'
  | 'INTERNAL';

export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, retryable: this.retryable, ...this.details };
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof AppError ? error.retryable : false;
}
