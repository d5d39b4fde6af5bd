import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { RetryOnConflict, RetryOptions } from '../common/interceptors/retry-on-conflict.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENT_KEY = 'idempotent';

export interface IdempotentOptions {
  /**
   * Also re-run the handler when PostgreSQL aborts it on a collision (see
   * RetryOnConflict), inside this contract: a retried request is still one
   * request, answered (and stored) once. Only where the handler is one transaction.
   */
  retryOnConflict?: boolean | Partial<RetryOptions>;
}

/**
 * The Idempotency-Key contract on one state-changing route. Route by route
 * rather than global, so reads never pay for an interceptor they skip;
 * IdempotentRoutesCheck makes a signed-in write without it a start-up error.
 */
export const Idempotent = ({ retryOnConflict = false }: IdempotentOptions = {}) => {
  const idempotent = [SetMetadata(IDEMPOTENT_KEY, true), UseInterceptors(IdempotencyInterceptor)];
  if (!retryOnConflict) return applyDecorators(...idempotent);
  // Applied in this order, the idempotency interceptor is the outer one: retries happen within its claim on the key.
  return applyDecorators(...idempotent, RetryOnConflict(retryOnConflict === true ? {} : retryOnConflict));
};
