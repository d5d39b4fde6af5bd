import { Global, Module } from '@nestjs/common';
import { SeatEventsService } from './seat-events.service';

@Global()
@Module({
  providers: [SeatEventsService],
  exports: [SeatEventsService],
})
export class SeatEventsModule {}
