import { applyDecorators, CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, Optional, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, defer, Observable, retry, throwError, timer } from 'rxjs';
import { ConflictRetryExhaustedError } from '../errors/conflict-retry-exhausted.error';
import { isRetryablePgError, pgCode, PgCode } from '../errors/pg-errors';

export { ConflictRetryExhaustedError };

export const RETRY_ON_CONFLICT_KEY = 'retryOnConflict';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 };

/**
 * Hears of every re-run, with the SQLSTATE that caused it. A class only to be
 * the injection token: whoever counts retries (the metrics) provides one.
 */
export abstract class ConflictRetryListener {
  abstract retried(sqlstate: string | undefined): void;
}

/**
 * Re-runs the whole handler, and so its transaction, when PostgreSQL aborted it
 * for a reason that a fresh attempt can avoid: serialization failure (40001),
 * deadlock (40P01) or lock timeout (55P03). Only on handlers that opt in, since
 * re-running is only safe where the handler is one transaction. Routes take it
 * with their Idempotency-Key contract around it (`@Idempotent({ retryOnConflict: true })`),
 * so that a retried request is still one request, answered (and stored) once.
 */
export const RetryOnConflict = (options: Partial<RetryOptions> = {}) =>
  applyDecorators(SetMetadata(RETRY_ON_CONFLICT_KEY, { ...DEFAULT_RETRY, ...options }), UseInterceptors(RetryOnConflictInterceptor));

/** Full jitter on a capped exponential backoff: spreads the retries of racing requests apart. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

@Injectable()
export class RetryOnConflictInterceptor implements NestInterceptor {
  private readonly logger = new Logger(RetryOnConflictInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly listener?: ConflictRetryListener,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<RetryOptions | undefined>(RETRY_ON_CONFLICT_KEY, context.getHandler());
    if (!options) return next.handle();
    return defer(() => next.handle()).pipe(
      retry({
        count: options.attempts - 1,
        delay: (error: unknown, attempt: number) => {
          if (!isRetryablePgError(error)) return throwError(() => error);
          this.listener?.retried(pgCode(error));
          this.logger.warn(`retrying ${context.getClass().name}.${context.getHandler().name} after ${pgCode(error)} (attempt ${attempt})`);
          return timer(backoffDelay(attempt, options));
        },
      }),
      catchError((error: unknown) =>
        throwError(() =>
          isRetryablePgError(error) ? new ConflictRetryExhaustedError(pgCode(error) === PgCode.LOCK_NOT_AVAILABLE) : error,
        ),
      ),
    );
  }
}
