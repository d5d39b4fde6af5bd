import { Global, Module } from '@nestjs/common';
import { ConflictRetryListener } from '../common/interceptors/retry-on-conflict.interceptor';
import { Database } from '../database/database';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

/** The retry interceptor (in common/, which knows no metrics) reports here. */
const conflictRetries = {
  provide: ConflictRetryListener,
  inject: [Metrics],
  useFactory: (metrics: Metrics): ConflictRetryListener => ({ retried: (sqlstate) => metrics.retries.inc({ sqlstate }) }),
};

/**
 * The registry and GET /metrics. Each owner registers the gauges of what it
 * holds (StreamCaps its streams, SeatEventsService its LISTEN connection);
 * the pool is the database's, which knows no metrics, so it is read here.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics, conflictRetries],
  exports: [Metrics, ConflictRetryListener],
})
export class MetricsModule {
  constructor(metrics: Metrics, database: Database) {
    // Registered as early as the owners' gauges, before any module's onModuleInit, so a scrape reads the
    // pool before the gauges that query the database (the job queue's) take connections from it.
    const pool = () => database.pool;
    metrics.gauge(
      'db_pool_connections',
      'The database pool: connections in use, idle, and requests waiting for one',
      () => ({ in_use: pool().totalCount - pool().idleCount, idle: pool().idleCount, waiting: pool().waitingCount }),
      ['state'],
    );
  }
}
