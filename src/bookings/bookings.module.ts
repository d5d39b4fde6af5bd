import { Module } from '@nestjs/common';
import { BookingsController } from './bookings.controller';
import { BookingsService } from './bookings.service';
import { FullShows } from './full-shows';
import { BookingOwnerGuard } from './guards/booking-owner.guard';
import { HoldExpiryScheduler } from './holds/hold-expiry.scheduler';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';

@Module({
  controllers: [BookingsController, HoldsController],
  providers: [BookingsService, BookingOwnerGuard, HoldsService, HoldExpiryScheduler, FullShows],
  exports: [BookingsService, HoldsService],
})
export class BookingsModule {}
