import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module';
import { SeatMapController } from './seat-map.controller';
import { SeatMapService } from './seat-map.service';
import { ShowsController } from './shows.controller';
import { ShowsService } from './shows.service';

@Module({
  // The cancellation's messages (BookingMail).
  imports: [BookingsModule],
  controllers: [ShowsController, SeatMapController],
  providers: [ShowsService, SeatMapService],
  exports: [ShowsService],
})
export class ShowsModule {}
