import { statement } from '../database/statement';

export const SEAT_EVENTS_CHANNEL = 'seat_events';

export type SeatStatus = 'available' | 'held' | 'booked';

/**
 * One change of state for some seats of one show. `seats: []` says only "this
 * show's seats were added or removed": caches drop it, streams send nothing.
 */
export interface SeatChange {
  show_id: number;
  status: SeatStatus;
  seats: number[];
}

/** NOTIFY payloads must stay under 8000 bytes; changes are packed into batches below this. */
export const MAX_PAYLOAD_BYTES = 7500;

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
