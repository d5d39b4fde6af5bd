import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';
import { IdempotentRoutesCheck } from './idempotent-routes.check';

/** Global: the interceptor is set route by route (@Idempotent()), in every module's controllers. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [IdempotencyService, IdempotencyInterceptor, IdempotentRoutesCheck],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
