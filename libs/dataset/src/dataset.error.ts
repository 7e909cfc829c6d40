import { AppError } from '@churnstream/errors';

/** Every loader error: the message names the file, the line and the column; details carry them too. */
export function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown): AppError {
  return new AppError('DATASET_INVALID', message, { details, cause });
}
