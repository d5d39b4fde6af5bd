import { statement } from '../../database/statement';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { isBooked, isHeld, isTaken } from '../seat-rules.sql';

/** Seats were added to or removed from the show: caches drop it, streams send nothing. */
const reshaped = (showId: number) => [SEAT_CHANGES.of({ show_id: showId, status: 'available', seats: [] })];

/**
 * Seat rows `from`..`to` of a show, created with it or when it grows, each
 * with its place, label and kind from the plan of the show's screen; they
 * carry its total_seats and status (see seats_show_fk): `scheduled`, since a
 * cancelled show never grows.
 */
export const ADD_SEAT_ROWS = statement<[showId: number, from: number, to: number], never>({
  name: 'add-seat-rows',
  text: `
INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label, kind)
SELECT $1, ss.seat_number, $3, ss.row_index, ss.row_label, ss.place, ss.label, ss.kind
  FROM shows sh JOIN screen_seats ss ON ss.screen_id = sh.screen_id
 WHERE sh.id = $1 AND ss.seat_number BETWEEN $2 AND $3`,
  events: (_rows, [showId]) => reshaped(showId),
});

/** The rows of at most 20 of Part 3's layout for `total` seats: seats per row. */
const perRow = (total: string) => `((${total} + ((${total} + 19) / 20) - 1) / ((${total} + 19) / 20))`;
const rowLabel = (rowIndex: string) => `CASE WHEN ${rowIndex} < 26 THEN chr(65 + ${rowIndex}) ELSE chr(64 + ${rowIndex} / 26) || chr(65 + ${rowIndex} % 26) END`;

/**
 * A show on an auto-planned screen (made from a screen_name) is laid out on
 * its own size as Part 3 says (API.md "Seat labels": rows of at most 20, as
 * even as the count allows): its seat rows `from`..`to` are made so, and
 * LAY_OUT_SEAT_ROWS lays every one out again when its size changes (a
 * booking keeps the label it was sold with).
 */
export const ADD_LAID_OUT_SEAT_ROWS = statement<[showId: number, from: number, to: number], never>({
  name: 'add-laid-out-seat-rows',
  text: `
INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label)
SELECT $1, n, $3, at.r, ${rowLabel('at.r')}, at.p, ${rowLabel('at.r')} || (at.p + 1)
  FROM generate_series($2::int, $3::int) AS n, LATERAL (SELECT (n - 1) / ${perRow('$3::int')} AS r, (n - 1) % ${perRow('$3::int')} AS p) AS at`,
  events: (_rows, [showId]) => reshaped(showId),
});

const rowOf = (s: string) => `((${s}.seat_number - 1) / ${perRow(`${s}.total_seats`)})`;
const placeOf = (s: string) => `((${s}.seat_number - 1) % ${perRow(`${s}.total_seats`)})`;

export const LAY_OUT_SEAT_ROWS = statement<[showId: number], never>({
  name: 'lay-out-seat-rows',
  text: `
UPDATE seats s SET row_index = ${rowOf('s')}, row_label = ${rowLabel(rowOf('s'))}, place = ${placeOf('s')},
                   label = ${rowLabel(rowOf('s'))} || (${placeOf('s')} + 1), kind = 'standard'
 WHERE s.show_id = $1`,
  events: (_rows, [showId]) => reshaped(showId),
});

/** A show moved to another screen: its seat rows take their places, labels and kinds from that screen's plan (its bookings keep the labels they were sold with). */
export const RELABEL_SEAT_ROWS = statement<[showId: number], never>({
  name: 'relabel-seat-rows',
  text: `
UPDATE seats s SET row_index = ss.row_index, row_label = ss.row_label, place = ss.place, label = ss.label, kind = ss.kind
  FROM shows sh JOIN screen_seats ss ON ss.screen_id = sh.screen_id
 WHERE sh.id = $1 AND s.show_id = $1 AND ss.seat_number = s.seat_number`,
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
