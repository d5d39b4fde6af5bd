import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators/auth.decorators';
import { AppError, CommonErrorCode } from '../common/errors/app-error';
import { ApiProblems } from '../common/http/api-problem';

const PROBE_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Public()
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiProblems([503, 'SERVICE_UNAVAILABLE'])
  async check(): Promise<{ status: 'ok' }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health probe timed out')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return { status: 'ok' };
    } catch {
      throw new AppError(503, CommonErrorCode.SERVICE_UNAVAILABLE, 'The database is not answering.');
    } finally {
      clearTimeout(timer);
    }
  }
}
