import { statement } from '../../database/statement';

export type CheckInRefusal = 'TICKET_NOT_FOUND' | 'TICKET_CANCELLED' | 'WRONG_SHOW' | 'ALREADY_CHECKED_IN' | 'TOO_EARLY';

/** The ticket let in, or the refusal with its evidence; every column but `refusal` is NULL for an unknown code. */
export interface CheckInRow {
  refusal: CheckInRefusal | null;
  booking_id: number | null;
  show_id: number | null;
  seat_number: number | null;
  seat_label: string | null;
  /** Let in now; or, for ALREADY_CHECKED_IN, when it was let in the first time. */
  checked_in_at: Date | null;
  /** When the door opens for the ticket's show: `opensMinutes` before it starts. */
  opens_at: Date | null;
}

/**
 * Lets a ticket in, once: finds its booking by the code and locks it (FOR NO
 * KEY UPDATE, the lock the UPDATE takes anyway; the booking row is the only
 * lock, lock 5 of the documented order), then decides on the locked row, in
 * this order: no such code, cancelled, another show than the door's `showId`
 * (NULL: any show), checked in already, the door not open yet at `now`. A
 * second scanner of the same ticket waits for the first and finds it checked
 * in, with the first time; a cancel racing it finds it checked in, or it
 * finds the booking cancelled. Nothing changes unless the ticket is let in.
 */
export const CHECK_IN = statement<[ticketCode: string, showId: number | null, now: Date, opensMinutes: number], CheckInRow>({
  name: 'check-in',
  text: `
WITH ticket AS (
  SELECT b.id, b.show_id, b.seat_number, b.seat_label, b.status, b.checked_in_at,
         sh.date_time - make_interval(mins => $4::int) AS opens_at
    FROM bookings b JOIN shows sh ON sh.id = b.show_id
   WHERE b.ticket_code = $1
     FOR NO KEY UPDATE OF b
), decided AS (
  SELECT t.*, CASE
           WHEN t.id IS NULL THEN 'TICKET_NOT_FOUND'
           WHEN t.status = 'cancelled' THEN 'TICKET_CANCELLED'
           WHEN t.show_id <> $2::int THEN 'WRONG_SHOW'
           WHEN t.checked_in_at IS NOT NULL THEN 'ALREADY_CHECKED_IN'
           WHEN $3::timestamptz < t.opens_at THEN 'TOO_EARLY'
         END AS refusal
    FROM (SELECT 1) AS one
    LEFT JOIN ticket t ON true
), admitted AS (
  UPDATE bookings b SET checked_in_at = $3::timestamptz
    FROM decided d
   WHERE b.id = d.id AND d.refusal IS NULL
  RETURNING b.checked_in_at
)
SELECT d.refusal, d.id AS booking_id, d.show_id, d.seat_number, d.seat_label,
       coalesce(a.checked_in_at, d.checked_in_at) AS checked_in_at, d.opens_at
  FROM decided d
  LEFT JOIN admitted a ON true`,
});
