import { mayActSql } from '../../common/access/may-act';
import { statement } from '../../database/statement';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { freeBookedSeats, hasStarted } from '../../seats/seat-rules.sql';
import { BOOKING_COLUMNS, BookingRow } from './booking-row';

export type CancelRefusal = 'BOOKING_NOT_FOUND' | 'NOT_BOOKING_OWNER' | 'ALREADY_CANCELLED' | 'CHECKED_IN' | 'SHOW_STARTED' | 'REFUND_CUTOFF_PASSED';

/** The booking, cancelled; or the refusal, with the booking it is about (NULL: no such booking) and nothing changed. */
export type CancelBookingRow =
  | ({ refusal: null; booking_id: number } & BookingRow)
  | ({ refusal: CancelRefusal; booking_id: number | null } & { [K in keyof BookingRow]: null });

export const isCancelled = (row: CancelBookingRow): row is Extract<CancelBookingRow, { refusal: null }> => row.refusal === null;

/**
 * Cancels a booking and frees its seat, which can be booked again at once, if
 * the actor may (`actorId`, `forAnyone`: see src/common/access/may-act.ts) and
 * the booking is still booked, not checked in, and its show has not started;
 * a paid seat (its refund comes with the cancel) its owner may cancel only
 * until `cutoffMinutes` before the show, and an admin at any time, started or
 * not (API.md Part 3); otherwise says why, in this order, and changes nothing. The seat is locked, then the
 * booking (the documented lock order: seats, then bookings), and the decision
 * is taken on the locked rows: of two cancels of one booking, the second
 * waits and finds it cancelled; of a cancel and a check-in (CHECK_IN locks the
 * booking), the later finds what the earlier did.
 */
export const CANCEL_BOOKING = statement<[bookingId: number, now: Date, actorId: number, forAnyone: boolean, cutoffMinutes: number], CancelBookingRow>({
  name: 'cancel-booking',
  text: `
WITH locked AS (
  SELECT b.id, b.user_id, b.status, b.checked_in_at, ${hasStarted('sh', '$2::timestamptz')} AS started,
         b.order_id IS NOT NULL AND b.price > 0 AS paid, sh.date_time - $5 * interval '1 minute' <= $2::timestamptz AS past_cutoff
    FROM bookings b
    JOIN seats s ON s.show_id = b.show_id AND s.seat_number = b.seat_number
    JOIN shows sh ON sh.id = b.show_id
   WHERE b.id = $1
     FOR UPDATE OF s, b
), decided AS (
  SELECT l.id AS booking_id, CASE
           WHEN l.id IS NULL THEN 'BOOKING_NOT_FOUND'
           WHEN NOT ${mayActSql('l.user_id', '$3', '$4')} THEN 'NOT_BOOKING_OWNER'
           WHEN l.status = 'cancelled' THEN 'ALREADY_CANCELLED'
           WHEN l.checked_in_at IS NOT NULL THEN 'CHECKED_IN'
           WHEN l.started AND NOT (l.paid AND $4) THEN 'SHOW_STARTED'
           WHEN l.paid AND NOT $4 AND l.past_cutoff THEN 'REFUND_CUTOFF_PASSED'
         END AS refusal
    FROM (SELECT 1) AS one
    LEFT JOIN locked l ON true
), cancelled AS (
  UPDATE bookings b SET status = 'cancelled', cancelled_at = $2::timestamptz
    FROM decided d
   WHERE b.id = d.booking_id AND d.refusal IS NULL
  RETURNING ${BOOKING_COLUMNS}
), freed AS (
  ${freeBookedSeats('cancelled')}
)
SELECT d.refusal, d.booking_id, c.*
  FROM decided d
  LEFT JOIN cancelled c ON true`,
  events: (rows) => [
    SEAT_CHANGES.of(...rows.filter(isCancelled).map((row) => ({ show_id: row.show_id, status: 'available' as const, seats: [row.seat_number] }))),
  ],
});

/**
 * Cancels every booked booking of a show being cancelled, checked in or not,
 * and frees their seats. Run after its caller locked the show row and every
 * seat of the show (LOCK_SHOW_SEATS, lock 4) in earlier statements of its
 * transaction: a booking in flight then has committed before this statement
 * takes its snapshot, so it is cancelled too; the bookings are locked here,
 * after their seats (lock 5). One row per booking cancelled, by customer and seat.
 */
export const CANCEL_SHOW_BOOKINGS = statement<[showId: number, now: Date], BookingRow>({
  name: 'cancel-show-bookings',
  text: `
WITH cancelled AS (
  UPDATE bookings b SET status = 'cancelled', cancelled_at = $2::timestamptz
   WHERE b.show_id = $1 AND b.status = 'booked'
  RETURNING ${BOOKING_COLUMNS}
), freed AS (
  ${freeBookedSeats('cancelled')}
)
SELECT * FROM cancelled ORDER BY user_id, seat_number`,
  events: (rows) => (rows.length === 0 ? [] : [SEAT_CHANGES.of({ show_id: rows[0].show_id, status: 'available', seats: rows.map((row) => row.seat_number).sort((a, b) => a - b) })]),
});
