import { BOOKING_COLUMNS } from './seat-ledger';

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

/**
 * The whole booking in one statement, for a batch of requests that touch
 * pairwise different seats (BookingBatcher guarantees it), so each request's
 * verdict depends on the database alone: one statement, one commit and one
 * round trip for all of them, each still all-or-none on its own seats.
 * $1 request index, $2 user, $3 show, $4 seat (parallel arrays, one element per
 * requested seat), $5 the clock's now.
 *
 * - `locked` takes the pessimistic_write lock (FOR UPDATE) on the seat rows, in
 *   (show, seat) order like every other writer; a row that another transaction
 *   changed while we waited comes back in its newest committed version, so the
 *   verdicts below see the truth.
 * - `verdicts`: a request is ok only when every one of its seats exists, its
 *   show has not started and no seat is booked or held by someone else (an
 *   expired hold does not count).
 * - `created`/`seated` insert the bookings of the ok requests and point their
 *   seats at them, clearing any hold of the booker's own. The service announces
 *   the change after commit.
 * A refused request books nothing and gets one row whose `failure` column
 * carries what was locked for it and whether its show still has unbooked
 * seats, from which the caller names the exact error without another query.
 */
export const BOOK_SEATS_BATCH_SQL = `
WITH wanted AS (
  SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) AS w(req, user_id, show_id, seat_number)
), locked AS (
  SELECT s.show_id, s.seat_number, s.booking_id, s.hold_id, s.held_by, s.hold_expires_at
    FROM seats s JOIN wanted w ON s.show_id = w.show_id AND s.seat_number = w.seat_number
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), verdicts AS (
  SELECT w.req,
         bool_and(coalesce(l.seat_number IS NOT NULL AND sh.date_time > $5 AND l.booking_id IS NULL
                           AND NOT (l.hold_id IS NOT NULL AND l.hold_expires_at > $5 AND l.held_by <> w.user_id), false)) AS ok
    FROM wanted w
    LEFT JOIN locked l ON l.show_id = w.show_id AND l.seat_number = w.seat_number
    LEFT JOIN shows sh ON sh.id = w.show_id
   GROUP BY w.req
), created AS (
  INSERT INTO bookings (user_id, show_id, seat_number, status, created_at)
  SELECT w.user_id, w.show_id, w.seat_number, 'booked', $5
    FROM wanted w JOIN verdicts v ON v.req = w.req
   WHERE v.ok
  RETURNING ${BOOKING_COLUMNS}
), seated AS (
  UPDATE seats s SET booking_id = c.id, hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM created c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number
)
SELECT w.req, c.*, NULL::json AS failure
  FROM created c JOIN wanted w ON w.show_id = c.show_id AND w.seat_number = c.seat_number
UNION ALL
SELECT v.req, NULL::int, NULL::int, NULL::int, NULL::int, NULL::varchar, NULL::timestamptz, NULL::timestamptz,
       json_build_object(
         'show', (SELECT json_build_object('date_time', sh.date_time, 'total_seats', sh.total_seats)
                    FROM shows sh WHERE sh.id = (SELECT show_id FROM wanted w WHERE w.req = v.req LIMIT 1)),
         'seats', (SELECT coalesce(json_agg(l), '[]') FROM locked l
                     JOIN wanted w ON w.show_id = l.show_id AND w.seat_number = l.seat_number WHERE w.req = v.req),
         -- The requested seats count as locked (their newest version), the others as of the snapshot.
         'unbooked', EXISTS (SELECT 1 FROM locked l JOIN wanted w ON w.show_id = l.show_id AND w.seat_number = l.seat_number
                              WHERE w.req = v.req AND l.booking_id IS NULL)
                  OR EXISTS (SELECT 1 FROM seats s
                              WHERE s.show_id = (SELECT show_id FROM wanted w WHERE w.req = v.req LIMIT 1)
                                AND s.booking_id IS NULL
                                AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.req = v.req AND w.seat_number = s.seat_number)))
  FROM verdicts v WHERE NOT v.ok
ORDER BY req, seat_number`;
