export const SEAT_EVENTS_CHANNEL = 'seat_events';

export type SeatStatus = 'available' | 'held' | 'booked';

/** What travels through NOTIFY: one change of state for some seats of one show. */
export interface SeatChange {
  show_id: number;
  status: SeatStatus;
  seats: number[];
}

/**
 * A CTE that sends the NOTIFY inside the writing statement itself, so the event
 * costs no extra round trip and, like every NOTIFY, is delivered only if the
 * transaction commits. Join it into the statement's final SELECT to run it.
 */
export const notifySeatsCte = (showId: string, status: string, seats: string) =>
  `notified AS (
     SELECT pg_notify('${SEAT_EVENTS_CHANNEL}',
       json_build_object('show_id', ${showId}, 'status', ${status}::text, 'seats', ${seats})::text)
   )`;
