/**
 * SQL fragments for the state of a seat row `s`, in one place so every query
 * agrees. `$now` is the clock's time passed as a parameter.
 */
export const seatIsBooked = (s = 's') => `${s}.booking_id IS NOT NULL`;

/** Count of seats of show `sh` that cannot be sold right now. */
export const unavailableSeatCount = (sh: string) =>
  `(SELECT count(*)::int FROM seats s WHERE s.show_id = ${sh}.id AND ${seatIsBooked('s')})`;
