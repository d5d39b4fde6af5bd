import { QueryFailedError } from 'typeorm';

/** SQLSTATE codes this service reacts to. */
export const PgCode = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  EXCLUSION_VIOLATION: '23P01',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  LOCK_NOT_AVAILABLE: '55P03',
  QUERY_CANCELED: '57014',
} as const;

/** Failures where re-running the whole transaction is safe and likely to succeed. */
export const RETRYABLE_PG_CODES: ReadonlySet<string> = new Set([
  PgCode.SERIALIZATION_FAILURE,
  PgCode.DEADLOCK_DETECTED,
  PgCode.LOCK_NOT_AVAILABLE,
]);

interface PgDriverError {
  code?: string;
  constraint?: string;
}

function driverError(error: unknown): PgDriverError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as PgDriverError;
  if (error && typeof error === 'object' && 'code' in error && 'severity' in error) return error as PgDriverError;
  return undefined;
}

export function pgCode(error: unknown): string | undefined {
  return driverError(error)?.code;
}

export function pgConstraint(error: unknown): string | undefined {
  return driverError(error)?.constraint;
}

export function isRetryablePgError(error: unknown): boolean {
  const code = pgCode(error);
  return code !== undefined && RETRYABLE_PG_CODES.has(code);
}

/** The database could not be reached or went away (class 08, 57P0x admin shutdown, network errors). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = pgCode(error) ?? (error as { code?: string } | undefined)?.code;
  if (!code) {
    const message = error instanceof Error ? error.message : '';
    return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message);
  }
  return code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code);
}
