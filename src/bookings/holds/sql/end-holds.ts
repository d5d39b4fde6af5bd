import { statement } from '../../../database/statement';
import { SEAT_CHANGES } from '../../../seat-events/seat-events.sql';
import { freeHeldSeats } from '../../../seats/seat-rules.sql';
import { HOLD_COLUMNS, HoldRow } from './hold-row';

export type LockedHold = HoldRow & { expired: boolean };

/** A hold, locked (lock 3 of the documented order), and whether it has expired at `now`. */
export const LOCK_HOLD = statement<[holdId: number, now: Date], LockedHold>({
  name: 'lock-hold',
  text: `SELECT ${HOLD_COLUMNS}, expires_at <= $2 AS expired FROM holds WHERE id = $1 FOR UPDATE`,
});

export const MARK_HOLD_CONFIRMED = statement<[holdId: number], { id: number }>({
  name: 'mark-hold-confirmed',
  text: `UPDATE holds SET status = 'confirmed' WHERE id = $1 RETURNING id`,
});

interface FreedRow {
  show_id: number | null;
  seats: number[] | null;
}

const freedSeats = (rows: FreedRow[]) => [
  SEAT_CHANGES.of(...rows.filter((row) => row.show_id !== null).map((row) => ({ show_id: row.show_id as number, status: 'available' as const, seats: row.seats ?? [] }))),
];

/**
 * Ends a locked hold (released, or expired when its time is up) and frees the
 * seats it still holds; it ended now, or when it expired.
 */
export const END_HOLD = statement<[holdId: number, status: 'released' | 'expired', now: Date], FreedRow>({
  name: 'end-hold',
  text: `
WITH ended AS (
  UPDATE holds SET status = $2::varchar, ended_at = CASE WHEN $2::varchar = 'expired' THEN expires_at ELSE $3::timestamptz END WHERE id = $1 RETURNING id
), ${freeHeldSeats('ended')}
SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id`,
  events: freedSeats,
});

/**
 * Marks up to 500 holds past their expiry as expired and frees their seats.
 * SKIP LOCKED: holds another instance (or a confirm) has locked are left to
 * it, so every instance may sweep at once. One row per show freed, each with
 * the number of holds that expired.
 */
export const EXPIRE_DUE_HOLDS = statement<[now: Date], FreedRow & { expired: number }>({
  name: 'expire-due-holds',
  text: `
WITH due AS (
  SELECT id FROM holds WHERE status = 'active' AND expires_at <= $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
), ended AS (
  UPDATE holds h SET status = 'expired', ended_at = h.expires_at FROM due WHERE h.id = due.id RETURNING h.id
), ${freeHeldSeats('ended')}
SELECT (SELECT count(*)::int FROM ended) AS expired, f.show_id, f.seats
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true`,
  events: freedSeats,
});
