import { statement } from '../../database/statement';

/**
 * Announces changes (a JSON array of SeatChange) to every instance. Sent on its
 * own after the change committed, with synchronous_commit off: an announcement
 * needs no durability, and a NOTIFY inside a booking's transaction would hold a
 * database-wide lock through that commit's disk flush.
 */
export const NOTIFY_SEAT_CHANGES = statement<[channel: string, payload: string], { notified: string }>({
  name: 'notify-seat-changes',
  text: `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)::text AS notified`,
});
