import { statement } from '../../../database/statement';
import { SEAT_CHANGES } from '../../../seat-events/seat-events.sql';
import { AVAILABLE, holdSeats, isHeld, judgeRequests, refusalColumns } from '../../../seats/seat-rules.sql';
import type { Refusal } from '../../refusals';
import { HOLD_COLUMNS, HoldRow } from './hold-row';

/**
 * Right after lock 1 (LOCK_CUSTOMER_SHOWS), the same for one client address's
 * holds of one show (its share): a one-key advisory lock, a key space apart
 * from the (customer, show) locks, made of the show and a hash of the address.
 */
export const LOCK_ADDRESS_SHOW = statement<[showId: number, clientIp: string], { locked: string }>({
  name: 'lock-address-show',
  text: `SELECT pg_advisory_xact_lock(($1::bigint << 32) | (hashtext($2) & 4294967295))::text AS locked`,
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

export type HoldSeatsRow = {
  refusal: Refusal | null;
  seats: number[] | null;
  total_seats: number | null;
  /** Seats of the show this customer holds already, and this address. */
  held: number;
  held_by_address: number;
  /** The most seats of the show one address may hold. */
  address_limit: number;
  /** Cooling down: when the requested seats are free for this customer and address to hold again. */
  cooldown_until: Date | null;
} & (HoldRow | { [K in keyof HoldRow]: null });

/**
 * Holds seats until `expires_at`. The seat rules decide as for a booking,
 * except that a seat the customer holds already counts as held; then, in this
 * order: seats this customer or address released (or let expire) since
 * `cooldownSince` are not theirs to take again yet (HOLD_COOLDOWN); the
 * customer holds at most `limit` seats of the show; one address at most the
 * larger of `addressSeats` and `addressPercent` % of the show. One row: the
 * hold, or the refusal and its evidence.
 */
export const HOLD_SEATS = statement<
  [
    userId: number,
    showId: number,
    seats: number[],
    now: Date,
    expiresAt: Date,
    limit: number,
    clientIp: string,
    addressSeats: number,
    addressPercent: number,
    cooldownSince: Date,
  ],
  HoldSeatsRow
>({
  name: 'hold-seats',
  text: `
WITH wanted AS (
  SELECT 0 AS req, $1::int AS user_id, $2::int AS show_id, n AS seat_number FROM unnest($3::int[]) AS n
), ${judgeRequests('NULL', '$4')},
counts AS (
  SELECT (SELECT count(*)::int FROM seats s WHERE s.held_by = $1 AND s.show_id = $2 AND ${isHeld('s', '$4')}) AS held,
         (SELECT count(*)::int FROM seats s JOIN holds h ON h.id = s.hold_id
           WHERE s.show_id = $2 AND h.client_ip = $7::inet AND ${isHeld('s', '$4')}) AS held_by_address,
         (SELECT greatest($8::int, ceil(sh.total_seats * $9::int / 100.0)::int) FROM shows sh WHERE sh.id = $2) AS address_limit,
         (SELECT max(h.ended_at) + ($4::timestamptz - $10::timestamptz) FROM holds h
           WHERE h.show_id = $2 AND h.ended_at > $10 AND (h.user_id = $1 OR h.client_ip = $7::inet)
             AND h.seat_numbers && $3::int[]) AS cooldown_until,
         ARRAY(SELECT DISTINCT n FROM holds h, unnest(h.seat_numbers) AS n
                WHERE h.show_id = $2 AND h.ended_at > $10 AND (h.user_id = $1 OR h.client_ip = $7::inet) AND n = ANY ($3::int[])
                ORDER BY n) AS cooling_seats
), decided AS (
  SELECT v.rank, CASE
           WHEN v.rank <> ${AVAILABLE} THEN NULL
           WHEN c.cooldown_until IS NOT NULL THEN 'HOLD_COOLDOWN'
           WHEN c.held + cardinality($3::int[]) > $6 THEN 'HOLD_LIMIT_EXCEEDED'
           WHEN c.held_by_address + cardinality($3::int[]) > c.address_limit THEN 'ADDRESS_HOLD_LIMIT_EXCEEDED'
         END AS limit_refusal
    FROM verdicts v, counts c
), created AS (
  INSERT INTO holds (user_id, show_id, seat_numbers, created_at, expires_at, client_ip)
  SELECT $1, $2, $3::int[], $4, $5, $7::inet
    FROM decided d
   WHERE d.rank = ${AVAILABLE} AND d.limit_refusal IS NULL
  RETURNING ${HOLD_COLUMNS}
), marked AS (
  ${holdSeats('created')}
)
SELECT coalesce(d.limit_refusal, r.refusal) AS refusal,
       CASE WHEN d.limit_refusal = 'HOLD_COOLDOWN' THEN counts.cooling_seats ELSE r.seats END AS seats, r.total_seats,
       counts.held, counts.held_by_address, counts.address_limit, counts.cooldown_until, c.*
  FROM verdicts v
 CROSS JOIN counts
 CROSS JOIN decided d
 CROSS JOIN LATERAL (SELECT ${refusalColumns('v')}) r
  LEFT JOIN created c ON true`,
  events: (rows) => [
    SEAT_CHANGES.of(
      ...rows.filter((row): row is HoldSeatsRow & HoldRow => row.id !== null).map((row) => ({ show_id: row.show_id, status: 'held' as const, seats: row.seat_numbers })),
    ),
  ],
});
