import type { Response } from 'supertest';
import type { BookingRow } from './db';
import { sorted } from './seats';

/** A ticket code as the service makes them: 244 random bits in 43 base64url characters. */
export const TICKET_CODE = /^[A-Za-z0-9_-]{43}$/;

/** A seat's label: its row's letters and its number in the row ("C7", "AB12"). */
export const SEAT_LABEL = /^[A-Z]{1,2}[1-9][0-9]?$/;

/** "201", "204" or "409 SEAT_TAKEN": what kind of answer a response is. */
export const outcome = (res: Response) => (res.status < 300 ? String(res.status) : `${res.status} ${res.body?.code}`);

/** Outcome → how many answers were of that kind; the whole distribution shows up in a failure. */
export function tally(answers: Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of answers) {
    const key = outcome(res);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Asserts the body of a request that made several bookings at once (seat_numbers, a hold's confirm):
 * an array holding exactly one new booking per seat, all the user's, on the show, made at `createdAt`.
 * Returns them in seat order.
 */
export function expectNewBookings(
  body: unknown,
  expected: { userId: number; showId: number; seats: number[]; createdAt: string },
): BookingRow[] {
  expect(Array.isArray(body)).toBe(true);
  const bookings = [...(body as BookingRow[])].sort((a, b) => a.seat_number - b.seat_number);
  expect(bookings).toEqual(
    sorted(expected.seats).map((seat) => ({
      id: expect.any(Number),
      user_id: expected.userId,
      show_id: expected.showId,
      seat_number: seat,
      status: 'booked',
      created_at: expected.createdAt,
      cancelled_at: null,
      ticket_code: expect.stringMatching(TICKET_CODE),
      seat_label: expect.stringMatching(SEAT_LABEL),
      checked_in_at: null,
      price: 0,
      order_id: null,
    })),
  );
  return bookings;
}
