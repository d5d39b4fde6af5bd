import type { BookingResponse } from '../dto/booking.dto';

/**
 * A bookings row as the statements return it. Every answer made from it goes
 * to the booking's owner or an admin (booking, confirm, cancel, my bookings),
 * so it carries the ticket code.
 */
export interface BookingRow {
  id: number;
  user_id: number;
  show_id: number;
  seat_number: number;
  status: 'booked' | 'cancelled';
  created_at: Date;
  cancelled_at: Date | null;
  /** The ticket's secret: only ever answered to the booking's owner and admins. */
  ticket_code: string;
  seat_label: string;
  checked_in_at: Date | null;
  /** What the seat was sold at, in minor units of the show's currency (0: free). */
  price: number;
  /** The order that paid for it; NULL for a free seat. */
  order_id: number | null;
}

/**
 * Who a booking is for, as `username, email`, from its account `u` and its
 * order `o` (LEFT JOINed): a box-office sale to an address is that
 * customer's (no username: the account is the seller's); any other booking is
 * its account's.
 */
export const bookingCustomer = (u: string, o: string) => `CASE WHEN ${o}.customer_email IS NULL THEN ${u}.username END AS username, coalesce(${o}.customer_email, ${u}.email) AS email`;

export const BOOKING_COLUMNS = 'id, user_id, show_id, seat_number, status, created_at, cancelled_at, ticket_code, seat_label, checked_in_at, price, order_id';

export function toBooking(row: BookingRow): BookingResponse {
  return {
    id: row.id,
    user_id: row.user_id,
    show_id: row.show_id,
    seat_number: row.seat_number,
    status: row.status,
    created_at: row.created_at.toISOString(),
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
    ticket_code: row.ticket_code,
    seat_label: row.seat_label,
    checked_in_at: row.checked_in_at?.toISOString() ?? null,
    price: row.price,
    order_id: row.order_id,
  };
}
