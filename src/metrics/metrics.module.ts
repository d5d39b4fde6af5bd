import { Global, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { StreamCaps } from '../limits/stream-caps';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly streams: StreamCaps,
    private readonly events: SeatEventsService,
  ) {}

  onModuleInit(): void {
    const pool = () => (this.dataSource.driver as unknown as { master: Pool }).master;
    this.metrics.gauge(
      'db_pool_connections',
      'The database pool: connections in use, idle, and requests waiting for one',
      () => ({ in_use: pool().totalCount - pool().idleCount, idle: pool().idleCount, waiting: pool().waitingCount }),
      ['state'],
    );
    this.metrics.gauge('sse_streams_open', 'Seat streams this instance holds open', () => this.streams.openStreams);
    this.metrics.gauge('seat_events_listening', '1 while the LISTEN connection for seat events is up', () => (this.events.isListening() ? 1 : 0));
  }
}
