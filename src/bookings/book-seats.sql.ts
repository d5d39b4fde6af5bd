import { BOOKING_COLUMNS } from './seat-ledger';

/**
 * The whole booking in one statement, so the hot path is one round trip and one
 * implicit transaction. $1 user, $2 show, $3 seat numbers, $4 the clock's now.
 *
 * - `locked` takes the pessimistic_write lock (FOR UPDATE) on the seat rows, in
 *   seat order; a row that another booking changed while we waited comes back in
 *   its newest committed version, so the verdict below sees the truth.
 * - `verdict` is true only when every seat exists, the show has not started and
 *   no seat is booked or held by someone else (an expired hold does not count).
 * - `created`/`seated` insert the bookings and point the seats at them (clearing
 *   any hold of the caller's). The service announces the change after commit.
 * On refusal the statement books nothing and returns one row whose `failure`
 * column carries what was locked (and whether the show still has unbooked
 * seats), from which the caller names the exact error without another query.
 */
export const BOOK_SEATS_SQL = `
WITH locked AS (
  SELECT s.seat_number, s.booking_id, s.hold_id, s.held_by, s.hold_expires_at
    FROM seats s
   WHERE s.show_id = $2 AND s.seat_number = ANY($3::int[])
   ORDER BY s.seat_number
     FOR UPDATE
), show AS (
  SELECT sh.date_time, sh.total_seats FROM shows sh WHERE sh.id = $2
), verdict AS (
  SELECT (SELECT count(*) FROM locked) = cardinality($3::int[])
     AND coalesce((SELECT date_time > $4 FROM show), false)
     AND NOT EXISTS (SELECT 1 FROM locked l
                      WHERE l.booking_id IS NOT NULL
                         OR (l.hold_id IS NOT NULL AND l.hold_expires_at > $4 AND l.held_by <> $1)) AS ok
), created AS (
  INSERT INTO bookings (user_id, show_id, seat_number, status, created_at)
  SELECT $1, $2, l.seat_number, 'booked', $4 FROM locked l WHERE (SELECT ok FROM verdict)
  RETURNING ${BOOKING_COLUMNS}
), seated AS (
  UPDATE seats s SET booking_id = c.id, hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM created c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number
)
SELECT c.*, NULL::json AS failure FROM created c
UNION ALL
SELECT NULL::int, NULL::int, NULL::int, NULL::int, NULL::varchar, NULL::timestamptz, NULL::timestamptz,
       json_build_object('show', (SELECT row_to_json(show) FROM show), 'seats', (SELECT coalesce(json_agg(l), '[]') FROM locked l),
                         'unbooked', EXISTS (SELECT 1 FROM seats s WHERE s.show_id = $2 AND s.booking_id IS NULL))
  FROM verdict WHERE NOT verdict.ok
ORDER BY seat_number`;

export interface BookSeatsFailure {
  show: { date_time: string; total_seats: number } | null;
  /** Whether any seat of the show is not booked: SEAT_TAKEN rather than SHOW_FULL. */
  unbooked: boolean;
  seats: {
    seat_number: number;
    booking_id: number | null;
    hold_id: number | null;
    held_by: number | null;
    hold_expires_at: string | null;
  }[];
}
