import type { Pool } from 'pg';

export interface BookingRow {
  id: number;
  user_id: number;
  show_id: number;
  seat_number: number;
  status: 'booked' | 'cancelled';
  created_at: string;
  cancelled_at: string | null;
  ticket_code: string;
  seat_label: string;
  checked_in_at: string | null;
}

const BOOKING_ROW = `id, user_id, show_id, seat_number, status,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS cancelled_at,
  ticket_code, seat_label,
  to_char(checked_in_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS checked_in_at,
  price, order_id`;

/** Every booking of a show, as the database holds it, timestamps in the API's format. */
export async function bookingsOf(pool: Pool, showId: number): Promise<BookingRow[]> {
  const { rows } = await pool.query(`SELECT ${BOOKING_ROW} FROM bookings WHERE show_id = $1 ORDER BY id`, [showId]);
  return rows;
}

export async function bookingById(pool: Pool, id: number): Promise<BookingRow | undefined> {
  const { rows } = await pool.query(`SELECT ${BOOKING_ROW} FROM bookings WHERE id = $1`, [id]);
  return rows[0];
}

/** Seat number → id of the active booking the seats row points at, for the seats that are taken. */
export async function seatOwners(pool: Pool, showId: number): Promise<Record<number, number>> {
  const { rows } = await pool.query(
    `SELECT seat_number, booking_id FROM seats WHERE show_id = $1 AND booking_id IS NOT NULL ORDER BY seat_number`,
    [showId],
  );
  return Object.fromEntries(rows.map((r: { seat_number: number; booking_id: number }) => [r.seat_number, r.booking_id]));
}

/** One booking's row as the idempotency specs compare it: who has which seat, and whether it is still booked. */
export interface BookingSummary {
  id: number;
  user_id: number;
  seat_number: number;
  status: string;
}

export async function bookingSummariesOf(pool: Pool, showId: number): Promise<BookingSummary[]> {
  const { rows } = await pool.query(`SELECT id, user_id, seat_number, status FROM bookings WHERE show_id = $1 ORDER BY id`, [showId]);
  return rows;
}

export interface HoldRow {
  id: number;
  user_id: number;
  show_id: number;
  seat_numbers: number[];
  status: string;
}

export async function holdById(pool: Pool, id: number): Promise<HoldRow> {
  const { rows } = await pool.query(`SELECT id, user_id, show_id, seat_numbers, status FROM holds WHERE id = $1`, [id]);
  return rows[0];
}

export async function holdsOf(pool: Pool, showId: number): Promise<{ id: number; status: string }[]> {
  const { rows } = await pool.query(`SELECT id, status FROM holds WHERE show_id = $1 ORDER BY id`, [showId]);
  return rows;
}

/** The user's Idempotency-Key rows, by key. */
export async function storedKeys(pool: Pool, userId: number): Promise<{ key: string; status: string; response_status: number | null }[]> {
  const { rows } = await pool.query(`SELECT key, status, response_status FROM idempotency_keys WHERE user_id = $1 ORDER BY key`, [userId]);
  return rows;
}

/**
 * Everything the booking and hold rules write, every column of every row
 * (bookings, holds, and each seat's booking_id, hold_id, held_by,
 * hold_expires_at and total_seats), as JSON text, so timestamps keep their
 * microseconds.
 */
export async function bookingLedger(pool: Pool): Promise<Record<'bookings' | 'holds' | 'seats', string[]>> {
  const rows = (sql: string) => pool.query<{ row: string }>(sql).then((result) => result.rows.map((r) => r.row));
  const [bookings, holds, seats] = await Promise.all([
    rows(`SELECT to_jsonb(b)::text AS row FROM bookings b ORDER BY id`),
    rows(`SELECT to_jsonb(h)::text AS row FROM holds h ORDER BY id`),
    rows(`SELECT to_jsonb(s)::text AS row FROM seats s ORDER BY show_id, seat_number`),
  ]);
  return { bookings, holds, seats };
}

/**
 * Runs a request that must be refused and proves it wrote nothing: the
 * booking ledger is the same before and after. Returns the response.
 *
 *   const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, 2));
 */
export async function expectUnchanged<T>(pool: Pool, request: () => PromiseLike<T>): Promise<T> {
  const before = await bookingLedger(pool);
  const res = await request();
  expect(await bookingLedger(pool)).toEqual(before);
  return res;
}

/** How many seat rows a show has (its total_seats, as the seats table says). */
export async function seatCount(pool: Pool, showId: number): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM seats WHERE show_id = $1', [showId]);
  return rows[0].n;
}

/** The show's row, or undefined once it is deleted. */
export async function showRow(pool: Pool, showId: number): Promise<{ total_seats: number } | undefined> {
  const { rows } = await pool.query('SELECT total_seats FROM shows WHERE id = $1', [showId]);
  return rows[0];
}
