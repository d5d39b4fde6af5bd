import { statement } from '../../../database/statement';
import { AVAILABLE, holdSeats, isHeld, judgeRequests, refusalColumns } from '../../../seats/seat-rules.sql';
import type { Refusal } from '../../refusals';
import { HOLD_COLUMNS, HoldRow } from './hold-row';

/**
 * Serialises one customer's holds of one show (lock 1 of the documented
 * order), so the hold limit counts every hold they make at once exactly.
 */
export const LOCK_CUSTOMER_SHOW = statement<[userId: number, showId: number], { locked: string }>({
  name: 'lock-customer-show',
  text: `SELECT pg_advisory_xact_lock($1, $2)::text AS locked`,
});

/**
 * The show row before its seats (lock 2), the order show updates and deletes
 * use: inserting the hold takes this key-share lock anyway (its foreign key),
 * but only after the seat locks.
 */
export const SHARE_SHOW = statement<[showId: number], { id: number }>({
  name: 'share-show',
  text: `SELECT id FROM shows WHERE id = $1 FOR KEY SHARE`,
});

export type HoldSeatsRow = { refusal: Refusal | null; seats: number[] | null; total_seats: number | null; held: number } & (
  | HoldRow
  | { [K in keyof HoldRow]: null }
);

/**
 * Holds seats until `expires_at`: the seat rules decide as for a booking,
 * except that a seat the customer holds already counts as held; then the hold
 * limit (the customer's seats held in this show, plus these). One row: the
 * hold, or the refusal and its evidence.
 */
export const HOLD_SEATS = statement<
  [userId: number, showId: number, seats: number[], now: Date, expiresAt: Date, limit: number],
  HoldSeatsRow
>({
  name: 'hold-seats',
  text: `
WITH wanted AS (
  SELECT 0 AS req, $1::int AS user_id, $2::int AS show_id, n AS seat_number FROM unnest($3::int[]) AS n
), ${judgeRequests('NULL', '$4')},
held AS (
  SELECT count(*)::int AS n FROM seats s WHERE s.held_by = $1 AND s.show_id = $2 AND ${isHeld('s', '$4')}
), created AS (
  INSERT INTO holds (user_id, show_id, seat_numbers, created_at, expires_at)
  SELECT $1, $2, $3::int[], $4, $5
    FROM verdicts v, held
   WHERE v.rank = ${AVAILABLE} AND held.n + cardinality($3::int[]) <= $6
  RETURNING ${HOLD_COLUMNS}
), marked AS (
  ${holdSeats('created')}
)
SELECT CASE WHEN v.rank = ${AVAILABLE} AND c.id IS NULL THEN 'HOLD_LIMIT_EXCEEDED' ELSE r.refusal END AS refusal,
       r.seats, r.total_seats, held.n AS held, c.*
  FROM verdicts v
 CROSS JOIN held
 CROSS JOIN LATERAL (SELECT ${refusalColumns('v')}) r
  LEFT JOIN created c ON true`,
  seatChanges: (rows) =>
    rows.filter((row): row is HoldSeatsRow & HoldRow => row.id !== null).map((row) => ({ show_id: row.show_id, status: 'held', seats: row.seat_numbers })),
});
