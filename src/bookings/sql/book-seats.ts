import { statement } from '../../database/statement';
import { insertJobs } from '../../jobs/sql/insert-jobs.sql';
import { SEAT_CHANGES, SeatChange } from '../../seat-events/seat-events.sql';
import { AVAILABLE, judgeRequests, occupySeats, refusalColumns } from '../../seats/seat-rules.sql';
import { BOOKINGS_CONFIRMED } from '../booking-mail';
import { BOOKING_COLUMNS, BookingRow } from './booking-row';
import { lockCustomerShows } from './customer-show-lock';

export type SeatRefusal = 'SHOW_NOT_FOUND' | 'SHOW_CANCELLED' | 'SEAT_OUT_OF_RANGE' | 'SHOW_STARTED' | 'PAYMENT_REQUIRED' | 'SEAT_TAKEN' | 'SHOW_FULL' | 'SEAT_HELD';
export type BookingRefusal = SeatRefusal | 'BOOKING_LIMIT_EXCEEDED';

/** One row per booking made, or one row per refused request (booking columns NULL). */
export type BookSeatsRow = {
  req: number;
  refusal: BookingRefusal | null;
  seats: number[] | null;
  /** The labels of `seats` when they are taken or held. */
  seat_labels: string[] | null;
  total_seats: number | null;
  /** How many seats of the show the customer has booked already. */
  booked: number;
} & (
  | BookingRow
  | { [K in keyof BookingRow]: null }
);

/**
 * The whole booking in one statement, for a batch of requests that touch
 * pairwise different seats (BookingBatcher guarantees it), so each request's
 * verdict depends on the database alone: one statement, one commit and one
 * round trip for all of them, each still all-or-none on its own seats.
 * Parameters: request index, user, show and seat as parallel arrays (one
 * element per requested seat), then the clock's now, the booking cap, and the
 * paid order the bookings are for (NULL: none, so a priced show's seats are
 * PAYMENT_REQUIRED; an order's bookings are made one order per statement).
 *
 * The seat rules decide (judgeRequests), then the customer's allowance of the
 * show (at most `limit` seats booked: exact, since a batch holds one request
 * per customer and show and runs after LOCK_CUSTOMER_SHOWS); the requests that
 * may have their seats get their bookings (`created`: each with the seat's
 * label as sold, and a ticket code from the column's default) and the seats
 * point at them, ending any hold of the booker's own; each request that
 * booked gets its confirmation message's job (`confirmations`), so the
 * bookings and their messages commit together or not at all (await
 * `Jobs.ready(BOOKINGS_CONFIRMED)` before running it). A refused request books nothing
 * and gets one row with its refusal and the seats that justify it, so its
 * error is named without another query.
 */
export const BOOK_SEATS = statement<[reqs: number[], users: number[], shows: number[], seats: number[], now: Date, limit: number, order: number | null], BookSeatsRow>({
  name: 'book-seats',
  text: `
WITH wanted AS (
  SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) AS w(req, user_id, show_id, seat_number)
), ${judgeRequests('w.user_id', '$5', true, '$7::int')},
owned AS (
  SELECT r.req, count(b.id)::int AS booked, r.wanted
    FROM (SELECT req, min(user_id) AS user_id, min(show_id) AS show_id, count(*) AS wanted FROM wanted GROUP BY req) r
    LEFT JOIN bookings b ON b.user_id = r.user_id AND b.show_id = r.show_id AND b.status = 'booked'
   GROUP BY r.req, r.wanted
), created AS (
  INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status, created_at, price, order_id)
  SELECT j.user_id, j.show_id, j.seat_number, j.label, 'booked', $5, j.price, $7
    FROM judged j JOIN verdicts v ON v.req = j.req JOIN owned o ON o.req = j.req
   WHERE v.rank = ${AVAILABLE} AND o.booked + o.wanted <= $6
   ORDER BY j.show_id, j.seat_number
  RETURNING ${BOOKING_COLUMNS}
), seated AS (
  ${occupySeats('created')}
), confirmations AS (${insertJobs(
  BOOKINGS_CONFIRMED,
  `SELECT jsonb_build_object('bookingIds', jsonb_agg(c.id ORDER BY c.id)) AS data
     FROM created c JOIN wanted w ON w.show_id = c.show_id AND w.seat_number = c.seat_number
    GROUP BY w.req`,
)}
)
SELECT v.req, CASE WHEN v.rank = ${AVAILABLE} AND o.booked + o.wanted > $6 THEN 'BOOKING_LIMIT_EXCEEDED' ELSE r.refusal END AS refusal,
       r.seats, r.seat_labels, r.total_seats, o.booked, c.*
  FROM verdicts v
  JOIN owned o ON o.req = v.req
 CROSS JOIN LATERAL (SELECT ${refusalColumns('v')}) r
  LEFT JOIN (created c JOIN wanted w ON w.show_id = c.show_id AND w.seat_number = c.seat_number) ON w.req = v.req
 ORDER BY v.req, c.seat_number`,
  events: (rows) => [SEAT_CHANGES.of(...bookedSeats(rows.filter((row): row is BookSeatsRow & BookingRow => row.id !== null)))],
});

/**
 * Lock 1 of the documented order for every (customer, show) of a batch, in
 * order, as the statement before BOOK_SEATS in the same transaction: BOOK_SEATS
 * then counts a customer's bookings of the show after every other booking,
 * confirm or hold of theirs there has committed, whichever process made it, so
 * the booking cap holds across instances and workers. A hold takes it for its
 * one pair.
 */
export const LOCK_CUSTOMER_SHOWS = statement<[users: number[], shows: number[]], { locked: number }>({
  name: 'lock-customer-shows',
  text: lockCustomerShows(`SELECT * FROM unnest($1::int[], $2::int[]) AS t(user_id, show_id)`),
});

/** The seats of new bookings, one change per show. */
export function bookedSeats(bookings: Pick<BookingRow, 'show_id' | 'seat_number'>[]): SeatChange[] {
  const byShow = new Map<number, number[]>();
  for (const { show_id, seat_number } of bookings) byShow.set(show_id, [...(byShow.get(show_id) ?? []), seat_number]);
  return [...byShow].map(([show_id, seats]) => ({ show_id, status: 'booked', seats }));
}
