import { mayActSql } from '../../../common/access/may-act';
import { statement } from '../../../database/statement';
import { SEAT_CHANGES } from '../../../seat-events/seat-events.sql';
import { freeHeldSeats, isShowCancelled } from '../../../seats/seat-rules.sql';
import { lockCustomerShows } from '../../sql/customer-show-lock';
import { HOLD_COLUMNS, HoldRow } from './hold-row';

export type HoldRefusal = 'HOLD_NOT_FOUND' | 'NOT_HOLD_OWNER' | 'HOLD_ALREADY_CONFIRMED' | 'SHOW_CANCELLED' | 'HOLD_RELEASED' | 'HOLD_EXPIRED';

/** Hold row `h` is past its expiry at `now`, whatever its status says (the sweeper may not have come by yet). */
const isPastExpiry = (h: string, now: string) => `${h}.expires_at <= ${now}`;

/** How active hold `h` ends when it is given back at `now`: released, or expired when its time was up (it ended then). */
const endingOf = (h: string, now: string) => `CASE WHEN ${isPastExpiry(h, now)} THEN 'expired' ELSE 'released' END`;

/**
 * The first WHENs of the CASE that says why the actor (`actorId`, `forAnyone`:
 * see src/common/access/may-act.ts) may not end hold row `h` (NULL: no such
 * hold), confirming or releasing it: no such hold, not theirs, confirmed.
 */
const mayNotEnd = (h: string, actorId: string, forAnyone: string) => `WHEN ${h}.id IS NULL THEN 'HOLD_NOT_FOUND'
           WHEN NOT ${mayActSql(`${h}.user_id`, actorId, forAnyone)} THEN 'NOT_HOLD_OWNER'
           WHEN ${h}.status = 'confirmed' THEN 'HOLD_ALREADY_CONFIRMED'`;

/**
 * Lock 1 before confirming a hold, for the holder and the hold's show (neither
 * ever changes, so the hold row is read unlocked): the bookings it makes count
 * against the holder's cap. No lock when there is no such hold.
 */
export const LOCK_HOLDER_SHOW = statement<[holdId: number], { locked: number }>({
  name: 'lock-holder-show',
  text: lockCustomerShows(`SELECT user_id, show_id FROM holds WHERE id = $1`),
});

/**
 * Lock 2 before confirming a hold (after lock 1, before the hold's): its show,
 * FOR KEY SHARE, as a new hold takes it. A confirmation and the show's
 * cancellation (which locks the show FOR UPDATE) then run one after the other,
 * and LOCK_HOLD_TO_CONFIRM reads the show as the cancellation left it.
 */
export const SHARE_HOLD_SHOW = statement<[holdId: number], { id: number }>({
  name: 'share-hold-show',
  text: `SELECT sh.id FROM shows sh WHERE sh.id = (SELECT show_id FROM holds WHERE id = $1) FOR KEY SHARE`,
});

/** The hold to confirm, or why the actor may not. */
export type HoldToConfirm = ({ refusal: null } & HoldRow) | ({ refusal: HoldRefusal } & { [K in keyof HoldRow]: HoldRow[K] | null });

/**
 * Locks a hold (lock 3 of the documented order, after locks 1 and 2) and says
 * whether the actor may confirm it at `now`: not when there is no such hold,
 * it is someone else's (see may-act.ts), it is confirmed already, its show is
 * cancelled (which ended it), it was released, or it has expired (ended by the
 * sweeper, or past its time); in that order. Two confirmations of one hold run
 * one after the other, and the second finds it confirmed.
 */
export const LOCK_HOLD_TO_CONFIRM = statement<[holdId: number, now: Date, actorId: number, forAnyone: boolean], HoldToConfirm>({
  name: 'lock-hold-to-confirm',
  text: `
WITH locked AS (
  SELECT ${HOLD_COLUMNS} FROM holds WHERE id = $1 FOR UPDATE
)
SELECT CASE ${mayNotEnd('h', '$3', '$4')}
           WHEN ${isShowCancelled('sh.status')} THEN 'SHOW_CANCELLED'
           WHEN h.status = 'released' THEN 'HOLD_RELEASED'
           WHEN h.status = 'expired' OR ${isPastExpiry('h', '$2::timestamptz')} THEN 'HOLD_EXPIRED'
         END AS refusal, h.*
  FROM (SELECT 1) AS one
  LEFT JOIN locked h ON true
  LEFT JOIN shows sh ON sh.id = h.show_id`,
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

/** A release: why not (nothing changed), or how the hold ended now (NULL: it had ended already) and the seats it freed. */
export type ReleaseHoldRow = FreedRow & { refusal: Extract<HoldRefusal, 'HOLD_NOT_FOUND' | 'NOT_HOLD_OWNER' | 'HOLD_ALREADY_CONFIRMED'> | null; ended: 'released' | 'expired' | null };

/**
 * Lock 0 before releasing a hold: its live order (pending or failed), if it
 * has one, which the release ends; a payment settling it (which locks the
 * order first too) runs before or after the release, never between.
 */
export const LOCK_HOLD_ORDER = statement<[holdId: number], { id: number }>({
  name: 'lock-hold-order',
  text: `SELECT id FROM orders WHERE hold_id = $1 AND status IN ('pending', 'failed') FOR UPDATE`,
});

/**
 * Releases a hold if the actor may (not when there is no such hold, it is
 * someone else's, or it is confirmed: cancel its bookings instead). The hold
 * is locked first (lock 3, after its order: LOCK_HOLD_ORDER), then the seats
 * it still holds (lock 4). An active hold ends as released, or as expired
 * when its time is up (it ended then), and frees its seats, and its live
 * order ends as expired (a payment that lands after that is a late payment);
 * a hold that had ended already is left as it is, so releasing is idempotent.
 */
export const RELEASE_HOLD = statement<[holdId: number, now: Date, actorId: number, forAnyone: boolean], ReleaseHoldRow>({
  name: 'release-hold',
  text: `
WITH locked AS (
  SELECT id, user_id, status, expires_at FROM holds WHERE id = $1 FOR UPDATE
), decided AS (
  SELECT h.id,
         CASE ${mayNotEnd('h', '$3', '$4')}
         END AS refusal,
         CASE WHEN h.status = 'active' THEN ${endingOf('h', '$2::timestamptz')} END AS ending
    FROM (SELECT 1) AS one
    LEFT JOIN locked h ON true
), ended AS (
  UPDATE holds h SET status = d.ending, ended_at = CASE WHEN d.ending = 'expired' THEN h.expires_at ELSE $2::timestamptz END
    FROM decided d
   WHERE h.id = d.id AND d.refusal IS NULL AND d.ending IS NOT NULL
  RETURNING h.id, h.status
), order_ended AS (
  UPDATE orders o SET status = 'expired' FROM ended e WHERE o.hold_id = e.id AND o.status IN ('pending', 'failed')
), ${freeHeldSeats('ended')}
SELECT d.refusal, e.status AS ended, f.show_id, f.seats
  FROM decided d
  LEFT JOIN ended e ON true
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true`,
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
  SELECT id FROM holds WHERE status = 'active' AND ${isPastExpiry('holds', '$1')} ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
), ended AS (
  UPDATE holds h SET status = 'expired', ended_at = h.expires_at FROM due WHERE h.id = due.id RETURNING h.id
), ${freeHeldSeats('ended')}
SELECT (SELECT count(*)::int FROM ended) AS expired, f.show_id, f.seats
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true`,
  events: freedSeats,
});

/**
 * Ends every active hold of a show being cancelled (its show row locked:
 * nobody makes a new one meanwhile), as a release would: released, or expired
 * when its time was up. The holds are locked by id (lock 3), then the seats
 * they still hold (lock 4), which are freed. One row per show freed (at most
 * one), with how many holds ended each way.
 */
export const END_SHOW_HOLDS = statement<[showId: number, now: Date], FreedRow & { released: number; expired: number }>({
  name: 'end-show-holds',
  text: `
WITH due AS (
  SELECT id FROM holds WHERE show_id = $1 AND status = 'active' ORDER BY id FOR UPDATE
), ended AS (
  UPDATE holds h SET status = ${endingOf('h', '$2::timestamptz')},
                     ended_at = CASE WHEN ${isPastExpiry('h', '$2::timestamptz')} THEN h.expires_at ELSE $2::timestamptz END
    FROM due WHERE h.id = due.id
  RETURNING h.id, h.status
), ${freeHeldSeats('ended')}
SELECT (SELECT count(*)::int FROM ended WHERE status = 'released') AS released,
       (SELECT count(*)::int FROM ended WHERE status = 'expired') AS expired, f.show_id, f.seats
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true`,
  events: freedSeats,
});
