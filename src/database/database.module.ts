import { Global, Module } from '@nestjs/common';
import { Database } from './database';

/** The one way the service runs SQL (see Database), available to every module. */
@Global()
@Module({
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule {}
