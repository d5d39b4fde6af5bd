import { statement } from '../../database/statement';

/**
 * How the door of a show is doing: its active bookings (expected) and how
 * many of them were let in (admitted); no row for an unknown show. Served by
 * bookings_one_active_per_seat (show_id, seat_number) WHERE status = 'booked':
 * at most one row per seat.
 */
export const CHECK_IN_COUNTS = statement<[showId: number], { show_id: number; admitted: number; expected: number }>({
  name: 'check-in-counts',
  text: `
SELECT sh.id AS show_id, count(b.checked_in_at)::int AS admitted, count(b.id)::int AS expected
  FROM shows sh
  LEFT JOIN bookings b ON b.show_id = sh.id AND b.status = 'booked'
 WHERE sh.id = $1
 GROUP BY sh.id`,
});
