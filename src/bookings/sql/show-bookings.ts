import { statement } from '../../database/statement';
import type { ShowBookingResponse } from '../dto/show-booking.dto';
import { bookingCustomer } from './booking-row';

export interface ShowBookingRow {
  id: number;
  seat_number: number;
  seat_label: string;
  status: 'booked' | 'cancelled';
  /** NULL for a box-office sale to an address (see bookingCustomer). */
  username: string | null;
  email: string;
  price: number;
  order_id: number | null;
  checked_in_at: Date | null;
  created_at: Date;
}

type Status = 'booked' | 'cancelled' | null;

/**
 * A show's bookings for its staff, by seat then id, with who each is for;
 * `limit` NULL is all of them (the CSV). bookings_id_seat_key (show_id,
 * seat_number, id) gives the order, so a page reads only its rows.
 */
export const SHOW_BOOKINGS = statement<[showId: number, status: Status, limit: number | null, offset: number], ShowBookingRow>({
  name: 'show-bookings',
  text: `
SELECT b.id, b.seat_number, b.seat_label, b.status, ${bookingCustomer('u', 'o')},
       b.price, b.order_id, b.checked_in_at, b.created_at
  FROM bookings b
  JOIN users u ON u.id = b.user_id
  LEFT JOIN orders o ON o.id = b.order_id
 WHERE b.show_id = $1 AND ($2::text IS NULL OR b.status = $2)
 ORDER BY b.seat_number, b.id
 LIMIT $3 OFFSET $4`,
});

/** How many bookings SHOW_BOOKINGS lists in all; no row when there is no such show. */
export const COUNT_SHOW_BOOKINGS = statement<[showId: number, status: Status], { total: number }>({
  name: 'count-show-bookings',
  text: `
SELECT (SELECT count(*) FROM bookings b WHERE b.show_id = sh.id AND ($2::text IS NULL OR b.status = $2))::int AS total
  FROM shows sh
 WHERE sh.id = $1`,
});

export function toShowBooking(row: ShowBookingRow): ShowBookingResponse {
  return {
    id: row.id,
    seat_number: row.seat_number,
    seat_label: row.seat_label,
    status: row.status,
    username: row.username,
    email: row.email,
    price: row.price,
    order_id: row.order_id,
    checked_in_at: row.checked_in_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
