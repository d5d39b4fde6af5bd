import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AppConfig } from '../../config/app-config';
import { MAX_SEATS_PER_REQUEST } from './booking.dto';

@ApiSchema({ name: 'BookingLimits', description: 'How many seats one customer may ask for, hold and book: what a client shows before it asks.' })
export class BookingLimitsResponse {
  @ApiProperty({ type: 'integer', example: 10, description: 'Seats in one request: the seat_numbers of one hold or one booking' })
  max_seats_per_request: number;

  @ApiProperty({ type: 'integer', example: 10, description: 'Seats one customer may hold in one show at a time (configured: MAX_HELD_SEATS_PER_SHOW)' })
  max_held_seats_per_show: number;

  @ApiProperty({ type: 'integer', example: 10, description: 'Seats one customer may have booked in one show (configured: MAX_BOOKED_SEATS_PER_SHOW)' })
  max_booked_seats_per_show: number;
}

/** The limits as this instance enforces them: the request cap of the DTOs and the configured per-show limits. */
export const bookingLimitsOf = (booking: AppConfig['booking']): BookingLimitsResponse => ({
  max_seats_per_request: MAX_SEATS_PER_REQUEST,
  max_held_seats_per_show: booking.maxHeldSeatsPerShow,
  max_booked_seats_per_show: booking.maxBookedSeatsPerShow,
});
