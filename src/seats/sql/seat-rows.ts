import { statement } from '../../database/statement';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { isBooked, isHeld, isTaken } from '../seat-rules.sql';

/** Seats were added to or removed from the show: caches drop it, streams send nothing. */
const reshaped = (showId: number) => [SEAT_CHANGES.of({ show_id: showId, status: 'available', seats: [] })];

/**
 * Seat rows `from`..`to` of a show, created with it or when it grows; they carry
 * its total_seats and status (see seats_show_fk): `scheduled`, since a
 * cancelled show never grows.
 */
export const ADD_SEAT_ROWS = statement<[showId: number, from: number, to: number], never>({
  name: 'add-seat-rows',
  text: `
INSERT INTO seats (show_id, seat_number, total_seats)
SELECT $1, n, $3 FROM generate_series($2::int, $3::int) AS n`,
  events: (_rows, [showId]) => reshaped(showId),
});

/**
 * Locks every seat of a show in seat order (lock 4) and says which seats above
 * `above` are booked or actively held (`taken`), and of every seat whether it
 * is booked or held (what a refusal counts). Every seat, not only the taken
 * ones: a seat being booked right now looks free in our snapshot, and only its
 * lock makes us wait for that booking (whose row we then read as it committed).
 */
export const LOCK_SHOW_SEATS = statement<[showId: number, above: number, now: Date], { seat_number: number; taken: boolean; booked: boolean; held: boolean }>({
  name: 'lock-show-seats',
  text: `
SELECT s.seat_number, s.seat_number > $2 AND ${isTaken('s', '$3')} AS taken, ${isBooked('s')} AS booked, ${isHeld('s', '$3')} AS held
  FROM seats s WHERE s.show_id = $1
 ORDER BY s.seat_number
   FOR UPDATE`,
});

/** Removes the seat rows above `above` (locked and free, see LOCK_SHOW_SEATS) when a show shrinks. */
export const REMOVE_SEAT_ROWS = statement<[showId: number, above: number], never>({
  name: 'remove-seat-rows',
  text: `DELETE FROM seats WHERE show_id = $1 AND seat_number > $2`,
  events: (_rows, [showId]) => reshaped(showId),
});
