/**
 * SQL for the state of a seat row, in one place so every query agrees. `now`
 * is the placeholder of the clock's time (e.g. '$2'): an expired hold simply
 * stops counting, no clean-up job needed.
 */
export const seatIsBooked = (s = 's') => `${s}.booking_id IS NOT NULL`;

export const seatIsHeld = (now: string, s = 's') => `(${s}.hold_id IS NOT NULL AND ${s}.hold_expires_at > ${now})`;

export const seatIsTaken = (now: string, s = 's') =>
  `(${s}.booking_id IS NOT NULL OR (${s}.hold_id IS NOT NULL AND ${s}.hold_expires_at > ${now}))`;

export const seatStatus = (now: string, s = 's') =>
  `CASE WHEN ${seatIsBooked(s)} THEN 'booked' WHEN ${seatIsHeld(now, s)} THEN 'held' ELSE 'available' END`;

/** Count of seats of show `sh` that cannot be sold right now (matches the partial index seats_taken_idx). */
export const unavailableSeatCount = (sh: string, now: string) =>
  `(SELECT count(*)::int FROM seats s WHERE s.show_id = ${sh}.id
      AND (s.booking_id IS NOT NULL OR s.hold_id IS NOT NULL) AND ${seatIsTaken(now)})`;
