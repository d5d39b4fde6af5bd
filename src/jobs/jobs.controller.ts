import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/decorators/auth.decorators';
import { Paginated } from '../common/http/paginated';
import { Page, PageQuery } from '../common/http/pagination';
import { ValidationFailedError } from '../common/errors/app-error';
import { ApiProblems } from '../http/problems';
import { Idempotent } from '../idempotency/idempotent';
import { Jobs } from './jobs';

@ApiSchema({ name: 'FailedJob', description: 'A job that used up its tries (an e-mail that could not be sent, say): what and why, never its data' })
class FailedJobResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'mail.bookings-confirmed' }) queue: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: 'string' }) failed_at: string | null;
  @ApiProperty({ type: 'integer', example: 11 }) tries: number;
  @ApiPropertyOptional({ nullable: true, type: 'string', example: 'connect ECONNREFUSED 10.0.0.5:587' }) error: string | null;
}

const uuid = new ParseUUIDPipe({ exceptionFactory: () => ValidationFailedError.field('id', 'must be a UUID') });

@ApiTags('jobs')
@Auth('admin')
@Controller('jobs/failed')
export class JobsController {
  constructor(private readonly jobs: Jobs) {}

  @Get()
  @Paginated(FailedJobResponse)
  @ApiOperation({ summary: 'Jobs that used up their tries, newest first (admin)' })
  @ApiProblems('VALIDATION_FAILED')
  async list(@Query() query: PageQuery): Promise<Page<FailedJobResponse>> {
    const { rows, total } = await this.jobs.failed(query.limit, query.offset);
    return new Page(
      rows.map((row) => ({ id: row.id, queue: row.queue, created_at: row.created_on.toISOString(), failed_at: row.failed_on?.toISOString() ?? null, tries: row.tries, error: row.error })),
      total,
    );
  }

  @Post(':id/retry')
  @Idempotent()
  @HttpCode(204)
  @ApiOperation({ summary: 'Run a failed job again, with fresh tries (admin)' })
  @ApiNoContentResponse({ description: 'The job is queued again' })
  @ApiProblems('VALIDATION_FAILED', 'JOB_NOT_FOUND')
  retry(@Param('id', uuid) id: string): Promise<void> {
    return this.jobs.retryFailed(id);
  }
}
