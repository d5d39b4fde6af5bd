import { EventKind } from '../database/events';

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


/** Seats of a show changed: reported by the statements that change seats, announced after their commit. */
export const SEAT_CHANGES = new EventKind<SeatChange>('seat-changes');
