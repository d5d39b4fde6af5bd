import type { Pool } from 'pg';

export interface BookingRow {
  id: number;
  user_id: number;
  show_id: number;
  seat_number: number;
  status: 'booked' | 'cancelled';
  created_at: string;
  cancelled_at: string | null;
}

const BOOKING_ROW = `id, user_id, show_id, seat_number, status,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS cancelled_at`;

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

/** Everything the booking rules write, for "an error changes nothing" checks. */
export async function bookingState(pool: Pool): Promise<{ bookings: BookingRow[]; seats: unknown[] }> {
  const [bookings, seats] = await Promise.all([
    pool.query(`SELECT ${BOOKING_ROW} FROM bookings ORDER BY id`),
    pool.query(`SELECT show_id, seat_number, total_seats, booking_id FROM seats WHERE booking_id IS NOT NULL ORDER BY 1, 2`),
  ]);
  return { bookings: bookings.rows, seats: seats.rows };
}
