import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENT_KEY = 'idempotent';

/**
 * The Idempotency-Key contract on one state-changing route. Route by route
 * rather than global, so reads never pay for an interceptor they skip;
 * IdempotentRoutesCheck makes a signed-in write without it a start-up error.
 * Routes with @RetryOnConflict() have it already (outside the retries).
 */
export const Idempotent = () => applyDecorators(SetMetadata(IDEMPOTENT_KEY, true), UseInterceptors(IdempotencyInterceptor));
