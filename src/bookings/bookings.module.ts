import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { BookingLimitsController } from './booking-limits.controller';
import { BookingMail } from './booking-mail';
import { BookingsController } from './bookings.controller';
import { BookingsService } from './bookings.service';
import { FullShows } from './full-shows';
import { HoldExpiryScheduler } from './holds/hold-expiry.scheduler';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';
import { ShowBookingsController } from './show-bookings.controller';

@Module({
  imports: [OrdersModule],
  controllers: [BookingsController, HoldsController, BookingLimitsController, ShowBookingsController],
  providers: [BookingsService, HoldsService, HoldExpiryScheduler, FullShows, BookingMail],
  exports: [BookingsService, HoldsService, BookingMail],
})
export class BookingsModule {}
