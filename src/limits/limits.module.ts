import { Global, Logger, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LimitStore, MemoryLimitStore } from './limit-store';
import { LoginAttempts } from './login-attempts';
import { RateLimitGuard } from './rate-limit.guard';
import { RedisLimitStore } from './redis-limit-store';
import { StreamCaps } from './stream-caps';

const limitStore = {
  provide: LimitStore,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): LimitStore =>
    config.redisUrl ? new RedisLimitStore(config.redisUrl, new MemoryLimitStore(), new Logger('RateLimits')) : new MemoryLimitStore(),
};

/** The counters, in a module of their own so that ThrottlerModule's factory can take them. */
@Module({ providers: [limitStore], exports: [LimitStore] })
class LimitStoreModule {}

/**
 * Rate limits and abuse caps, shared by every instance through Redis when
 * REDIS_URL is set (in this process's memory otherwise). Import it after the
 * auth module: its guard runs after the JWT guard, so it knows the account.
 */
@Global()
@Module({
  imports: [
    LimitStoreModule,
    ThrottlerModule.forRootAsync({
      imports: [LimitStoreModule],
      inject: [LimitStore],
      // The rules themselves are the service's own (see rate-limits.ts and RateLimitGuard); the module wires the storage.
      useFactory: (store: LimitStore) => ({ throttlers: [], storage: store }),
    }),
  ],
  providers: [LoginAttempts, StreamCaps, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [LimitStoreModule, LoginAttempts, StreamCaps],
})
export class LimitsModule implements OnApplicationShutdown {
  constructor(@Inject(LimitStore) private readonly store: LimitStore) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisLimitStore) await this.store.close();
    else if (this.store instanceof MemoryLimitStore) this.store.close();
  }
}
