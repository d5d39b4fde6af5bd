import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/auth.decorators';
import { CommonError } from '../common/errors/app-error';
import { Database } from '../database/database';
import { ApiProblems } from '../common/http/api-problem';
import { Lifecycle } from '../lifecycle/lifecycle';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { PING } from './sql/ping';

const PROBE_TIMEOUT_MS = 2000;

@ApiSchema({ name: 'Health' })
class HealthResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
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
  ) {}

  /** The original contract: 200 while the database answers (and this instance is not shutting down). */
  @Get()
  @ApiOperation({ summary: 'The database answers and this instance is not shutting down' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems([503, 'SERVICE_UNAVAILABLE', 'SHUTTING_DOWN'])
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
  @ApiOperation({ summary: 'Readiness: database, seat-event connection (and Redis, when configured) up, not shutting down' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems([503, 'SERVICE_UNAVAILABLE', 'SHUTTING_DOWN'])
  async ready(): Promise<{ status: 'ok' }> {
    if (!this.lifecycle.serving) throw shuttingDown();
    await this.databaseAnswers();
    if (!this.events.isListening()) {
      throw new CommonError('SERVICE_UNAVAILABLE', 'The seat-event connection to the database is down; it is being re-established.');
    }
    return { status: 'ok' };
  }

  private async databaseAnswers(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health probe timed out')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.db.rows(PING), timeout]);
    } catch {
      throw new CommonError('SERVICE_UNAVAILABLE', 'The database is not answering.');
    } finally {
      clearTimeout(timer);
    }
  }
}
