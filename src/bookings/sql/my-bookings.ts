import { statement } from '../../database/statement';
import type { ShowStatus } from '../../shows/entities/show.entity';
import type { MyBookingResponse } from '../dto/booking.dto';
import { BookingRow, toBooking } from './booking-row';

export interface MyBookingRow extends BookingRow {
  movie_title: string;
  screen_name: string;
  date_time: Date;
  total_seats: number;
  show_status: ShowStatus;
}

type Status = 'booked' | 'cancelled' | null;

/** A customer's bookings, newest first, with what a list needs to show them. */
export const MY_BOOKINGS = statement<[userId: number, status: Status, showId: number | null, limit: number, offset: number], MyBookingRow>({
  name: 'my-bookings',
  text: `
SELECT b.id, b.user_id, b.show_id, b.seat_number, b.status, b.created_at, b.cancelled_at, b.ticket_code, b.seat_label, b.checked_in_at, b.price, b.order_id,
       m.title AS movie_title, sh.screen_name, sh.date_time, sh.total_seats, sh.status AS show_status
  FROM bookings b JOIN shows sh ON sh.id = b.show_id JOIN movies m ON m.id = sh.movie_id
 WHERE b.user_id = $1 AND ($2::text IS NULL OR b.status = $2) AND ($3::int IS NULL OR b.show_id = $3)
 ORDER BY b.created_at DESC, b.id DESC
 LIMIT $4 OFFSET $5`,
});

export const COUNT_MY_BOOKINGS = statement<[userId: number, status: Status, showId: number | null], { total: number }>({
  name: 'count-my-bookings',
  text: `SELECT count(*)::int AS total FROM bookings WHERE user_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::int IS NULL OR show_id = $3)`,
});

export function toMyBooking(row: MyBookingRow): MyBookingResponse {
  return { ...toBooking(row), movie_title: row.movie_title, screen_name: row.screen_name, date_time: row.date_time.toISOString(), total_seats: row.total_seats, show_status: row.show_status };
}
