import { Global, Module } from '@nestjs/common';
import { Jobs } from './jobs';
import { JobsController } from './jobs.controller';
import { JobsMetrics } from './jobs.metrics';

/** One queue for every module: `Jobs` is injectable everywhere. */
@Global()
@Module({
  controllers: [JobsController],
  providers: [Jobs, JobsMetrics],
  exports: [Jobs],
})
export class JobsModule {}
