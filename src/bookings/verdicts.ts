import { first, Queryable } from '../database/statement';
import { MAX_SEATS_PER_SHOW } from '../seats/seat-rules.sql';
import { refusalError, Refused } from './refusals';
import type { BookSeatsRow } from './sql/book-seats';
import type { BookingRow } from './sql/booking-row';
import { JUDGE_IMPOSSIBLE_SEATS } from './sql/judge-impossible-seats';

/** What the booking statement decided for one request: its bookings, or why not. */
export type Verdict = { bookings: BookingRow[]; refused?: undefined } | { bookings?: undefined; refused: Refused };

/** Groups the rows of BOOK_SEATS by request (`count` requests, indexed from 0); `limit` is the booking cap it was given. */
export function verdictsOf(rows: BookSeatsRow[], count: number, limit: number): Verdict[] {
  const verdicts: Verdict[] = Array.from({ length: count }, () => ({ bookings: [] }));
  for (const row of rows) {
    if (row.refusal !== null) {
      verdicts[row.req] = { refused: { refusal: row.refusal, seats: row.seats, seat_labels: row.seat_labels, total_seats: row.total_seats, booked: row.booked, limit } };
    } else if (row.id !== null) {
      verdicts[row.req].bookings?.push(row);
    }
  }
  return verdicts;
}

/**
 * Seats no show can have are refused by the seat rules on a snapshot, with no
 * lock and no transaction (and never reach a batch); the refusal is thrown.
 */
export async function refuseImpossibleSeats(db: Queryable, showId: number, seats: number[], now: Date): Promise<void> {
  if (seats.every((n) => n >= 1 && n <= MAX_SEATS_PER_SHOW)) return;
  const verdict = await first(db, JUDGE_IMPOSSIBLE_SEATS, showId, seats, now);
  throw refusalError(verdict!);
}
