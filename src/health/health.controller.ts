import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/auth.decorators';
import { CommonError } from '../common/errors/app-error';
import { Database } from '../database/database';
import { ApiProblems } from '../http/problems';
import { Jobs } from '../jobs/jobs';
import { Lifecycle } from '../lifecycle/lifecycle';
import { LimitStore } from '../limits/limit-store';
import { RedisLimitStore } from '../limits/redis-limit-store';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { PING } from './sql/ping';

const PROBE_TIMEOUT_MS = 2000;

@ApiSchema({ name: 'JobQueueCheck' })
class JobQueueCheck {
  @ApiProperty({ enum: ['up'] }) status: 'up';
  @ApiProperty({ type: 'integer', description: 'Jobs due to run now, every queue' }) due: number;
  @ApiProperty({ type: 'integer', description: 'Jobs that used up their tries, every queue (they stay for an admin)' }) failed: number;
  @ApiProperty({ description: 'Seconds the oldest due job has waited' }) oldest_due_seconds: number;
}

@ApiSchema({ name: 'HealthChecks' })
class HealthChecks {
  @ApiProperty({ enum: ['up'] }) database: 'up';
  @ApiProperty({ enum: ['up'], description: 'The LISTEN connection that brings other instances\' seat changes' }) seat_events: 'up';
  @ApiProperty({
    enum: ['up', 'down', 'not configured'],
    description: 'Rate-limit counters (REDIS_URL). Down is not unready: each instance then limits on its own',
  })
  redis: 'up' | 'down' | 'not configured';
  @ApiProperty({ type: () => JobQueueCheck, description: 'The job queue: started here, and what it holds' }) jobs: JobQueueCheck;
}

@ApiSchema({ name: 'Health' })
class HealthResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
  @ApiPropertyOptional({ type: HealthChecks, description: 'Readiness only: what was checked' }) checks?: HealthChecks;
}

const shuttingDown = () => new CommonError('SHUTTING_DOWN', 'This instance is shutting down.');

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly lifecycle: Lifecycle,
    private readonly events: SeatEventsService,
    private readonly limits: LimitStore,
    private readonly jobs: Jobs,
  ) {}

  /** The original contract: 200 while the database answers (and this instance is not shutting down). */
  @Get()
  @ApiOperation({ summary: 'The database answers and this instance is not shutting down' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems('SERVICE_UNAVAILABLE', 'SHUTTING_DOWN')
  async check(): Promise<{ status: 'ok' }> {
    if (!this.lifecycle.serving) throw shuttingDown();
    await this.databaseAnswers();
    return { status: 'ok' };
  }

  /** Liveness: the process runs and its event loop turns; a restart would not help otherwise. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process runs (a restart would not help otherwise)' })
  @ApiOkResponse({ type: HealthResponse })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: send traffic here. Not while shutting down, nor while the database or the seat-event connection is down. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, seat-event connection, job queue (and Redis, when configured) up, not shutting down' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems('SERVICE_UNAVAILABLE', 'SHUTTING_DOWN')
  async ready(): Promise<HealthResponse> {
    if (!this.lifecycle.serving) throw shuttingDown();
    await this.databaseAnswers();
    if (!this.events.isListening()) {
      throw new CommonError('SERVICE_UNAVAILABLE', 'The seat-event connection to the database is down; it is being re-established.');
    }
    await this.withinProbeTime(this.jobs.whenStarted()).catch(() => {
      throw new CommonError('SERVICE_UNAVAILABLE', 'The job queue is not running on this instance.');
    });
    const queues = await this.jobs.stats();
    const jobs: JobQueueCheck = {
      status: 'up',
      due: queues.reduce((sum, q) => sum + q.due, 0),
      failed: queues.reduce((sum, q) => sum + q.failed, 0),
      oldest_due_seconds: Math.max(0, ...queues.map((q) => q.oldest_due_seconds)),
    };
    const redis = this.limits instanceof RedisLimitStore ? (this.limits.reachable ? 'up' : 'down') : 'not configured';
    return { status: 'ok', checks: { database: 'up', seat_events: 'up', redis, jobs } };
  }

  private async databaseAnswers(): Promise<void> {
    await this.withinProbeTime(this.db.rows(PING)).catch(() => {
      throw new CommonError('SERVICE_UNAVAILABLE', 'The database is not answering.');
    });
  }

  /** `work`, or a rejection once the probe's time is up. */
  private async withinProbeTime<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health probe timed out')), PROBE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
