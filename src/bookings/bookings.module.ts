import { Module } from '@nestjs/common';
import { BookingsController } from './bookings.controller';
import { BookingsService } from './bookings.service';
import { BookingOwnerGuard } from './guards/booking-owner.guard';

@Module({
  controllers: [BookingsController],
  providers: [BookingsService, BookingOwnerGuard],
  exports: [BookingsService],
})
export class BookingsModule {}
