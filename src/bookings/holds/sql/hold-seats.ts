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
  /** HOLD_COOLDOWN: the labels of `seats` (the seat rows' own, as the seat map and tickets show them), in the same order. */
  seat_labels: string[] | null;
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
 * The requested seats (`$3` of show `$2`) that the customer (`$1`) or the
 * address (`$7`) may not hold again yet, with when they may (`until`): the
 * cooldown rule that tells cycling apart from giving seats back.
 *
 * A hold's time is `$5 - $4` (HOLD_TTL_SECONDS) and the cooldown `$4 - $10`
 * (HOLD_COOLDOWN_SECONDS). For each seat, and for the account and the address
 * each on their own, it adds up how long their holds that have ended (released,
 * expired, or past their time and not swept yet) kept the seat within the last
 * hold's time plus cooldown. A seat is cooling when one of them gave it back
 * less than the cooldown ago AND has kept it, in that window, for a whole
 * hold's time: a hold that ran out, or holds released and made again one
 * after another (each within the cooldown of the last, or the seat would have
 * been free for others that long). A seat released after a shorter keep is
 * free at once, for the customer and for anyone on the address. It cools
 * until the cooldown has passed since the party that kept it gave it back.
 */
const coolingSeats = (): string => {
  const ttl = `($5::timestamptz - $4::timestamptz)`;
  const since = `($10::timestamptz - ${ttl})`;
  const cooling = (party: string) => `CASE WHEN k.${party}_ended > $10 AND k.${party}_kept >= ${ttl} THEN k.${party}_ended END`;
  return `given_back AS (
  SELECT n AS seat_number, h.user_id = $1 AS by_account, h.client_ip = $7::inet AS by_address, e.ended_at,
         least(e.ended_at, $4) - greatest(h.created_at, ${since}) AS held_for
    FROM holds h
   CROSS JOIN LATERAL (SELECT CASE WHEN h.status = 'active' THEN h.expires_at ELSE h.ended_at END AS ended_at) e
   CROSS JOIN LATERAL unnest(h.seat_numbers) AS n
   WHERE h.show_id = $2 AND (h.user_id = $1 OR h.client_ip = $7::inet) AND h.seat_numbers && $3::int[] AND n = ANY ($3::int[])
     AND (h.ended_at > ${since} OR (h.status = 'active' AND h.expires_at <= $4 AND h.expires_at > ${since}))
), kept AS (
  SELECT g.seat_number,
         max(g.ended_at) FILTER (WHERE g.by_account) AS account_ended, sum(g.held_for) FILTER (WHERE g.by_account) AS account_kept,
         max(g.ended_at) FILTER (WHERE g.by_address) AS address_ended, sum(g.held_for) FILTER (WHERE g.by_address) AS address_kept
    FROM given_back g
   GROUP BY g.seat_number
), cooling AS (
  SELECT k.seat_number, u.until
    FROM kept k
   CROSS JOIN LATERAL (SELECT greatest(${cooling('account')}, ${cooling('address')}) + ($4::timestamptz - $10::timestamptz) AS until) u
   WHERE u.until IS NOT NULL
)`;
};

/**
 * Holds seats until `expires_at`. The seat rules decide as for a booking,
 * except that a seat the customer holds already counts as held; then, in this
 * order: seats this customer or address has kept for a whole hold's time and
 * gave back less than the cooldown (`now - cooldownSince`) ago are for others
 * first (HOLD_COOLDOWN, see coolingSeats); the customer holds at most `limit`
 * seats of the show; one address at most the larger of `addressSeats` and
 * `addressPercent` % of the show. One row: the hold, or the refusal and its
 * evidence (for HOLD_COOLDOWN, the seats with their labels).
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
${coolingSeats()},
counts AS (
  SELECT (SELECT count(*)::int FROM seats s WHERE s.held_by = $1 AND s.show_id = $2 AND ${isHeld('s', '$4')}) AS held,
         (SELECT count(*)::int FROM seats s JOIN holds h ON h.id = s.hold_id
           WHERE s.show_id = $2 AND h.client_ip = $7::inet AND ${isHeld('s', '$4')}) AS held_by_address,
         (SELECT greatest($8::int, ceil(sh.total_seats * $9::int / 100.0)::int) FROM shows sh WHERE sh.id = $2) AS address_limit,
         (SELECT max(c.until) FROM cooling c) AS cooldown_until,
         ARRAY(SELECT c.seat_number FROM cooling c ORDER BY c.seat_number) AS cooling_seats,
         ARRAY(SELECT coalesce(j.label, c.seat_number::text) FROM cooling c JOIN judged j ON j.seat_number = c.seat_number ORDER BY c.seat_number) AS cooling_labels
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
       CASE WHEN d.limit_refusal = 'HOLD_COOLDOWN' THEN counts.cooling_seats ELSE r.seats END AS seats,
       CASE WHEN d.limit_refusal = 'HOLD_COOLDOWN' THEN counts.cooling_labels END AS seat_labels, r.total_seats,
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
