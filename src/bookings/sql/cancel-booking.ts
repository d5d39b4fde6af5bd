import { statement } from '../../database/statement';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { freeBookedSeats, hasStarted } from '../../seats/seat-rules.sql';
import { BOOKING_COLUMNS, BookingRow } from './booking-row';

export interface LockedBooking {
  user_id: number;
  status: 'booked' | 'cancelled';
  started: boolean;
}

/** The booking to cancel, locked after its seat (the documented lock order: seats, then bookings). */
export const LOCK_BOOKING = statement<[bookingId: number, now: Date], LockedBooking>({
  name: 'lock-booking',
  text: `
SELECT b.user_id, b.status, ${hasStarted('sh', '$2')} AS started
  FROM bookings b
  JOIN seats s ON s.show_id = b.show_id AND s.seat_number = b.seat_number
  JOIN shows sh ON sh.id = b.show_id
 WHERE b.id = $1
   FOR UPDATE OF s, b`,
});

/** Cancels a booking locked by LOCK_BOOKING and frees its seat, which can be booked again at once. */
export const CANCEL_BOOKING = statement<[bookingId: number, now: Date], BookingRow>({
  name: 'cancel-booking',
  text: `
WITH cancelled AS (
  UPDATE bookings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1
  RETURNING ${BOOKING_COLUMNS}
), freed AS (
  ${freeBookedSeats('cancelled')}
)
SELECT * FROM cancelled`,
  events: (rows) => [SEAT_CHANGES.of(...rows.map((row) => ({ show_id: row.show_id, status: 'available' as const, seats: [row.seat_number] })))],
});
