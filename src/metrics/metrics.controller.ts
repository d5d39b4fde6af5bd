import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Public } from '../common/decorators/auth.decorators';
import { ApiProblems } from '../http/problems';
import { AuthError } from '../auth/auth.errors';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from './metrics';
import { clusterMetrics, isWorker } from '../lifecycle/workers';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>` (not a user's token). */
  @Public()
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Open unless METRICS_TOKEN is set; then only with `Authorization: Bearer <METRICS_TOKEN>` (not a user token), else 401.',
  })
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiProblems('NOT_AUTHENTICATED')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const token = this.config.metricsToken;
    if (token && !same(authorization ?? '', `Bearer ${token}`)) throw new AuthError('NOT_AUTHENTICATED', 'Metrics need Authorization: Bearer <METRICS_TOKEN>.');
    if (isWorker()) {
      const all = await clusterMetrics();
      void reply.type(all.contentType).send(all.text);
      return;
    }
    void reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
