import type { BookingResponse } from '../dto/booking.dto';

/** A bookings row as the statements return it. */
export interface BookingRow {
  id: number;
  user_id: number;
  show_id: number;
  seat_number: number;
  status: 'booked' | 'cancelled';
  created_at: Date;
  cancelled_at: Date | null;
}

export const BOOKING_COLUMNS = 'id, user_id, show_id, seat_number, status, created_at, cancelled_at';

export function toBooking(row: BookingRow): BookingResponse {
  return {
    id: row.id,
    user_id: row.user_id,
    show_id: row.show_id,
    seat_number: row.seat_number,
    status: row.status,
    created_at: row.created_at.toISOString(),
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
  };
}
