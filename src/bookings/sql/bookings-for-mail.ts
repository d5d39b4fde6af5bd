import { statement } from '../../database/statement';

export interface BookingForMailRow {
  id: number;
  status: 'booked' | 'cancelled';
  seat_label: string;
  ticket_code: string;
  username: string;
  email: string;
  title: string;
  screen_name: string;
  date_time: Date;
  ends_at: Date;
}

/**
 * What a message about bookings says, read when it is sent (so it names the
 * show as it is then): the bookings with their customer, show and movie, in
 * seat order.
 */
export const BOOKINGS_FOR_MAIL = statement<[bookingIds: number[]], BookingForMailRow>({
  name: 'bookings-for-mail',
  text: `
SELECT b.id, b.status, b.seat_label, b.ticket_code, u.username, u.email, m.title, sh.screen_name, sh.date_time, sh.ends_at
  FROM bookings b
  JOIN users u ON u.id = b.user_id
  JOIN shows sh ON sh.id = b.show_id
  JOIN movies m ON m.id = sh.movie_id
 WHERE b.id = ANY ($1::int[])
 ORDER BY b.seat_number`,
});
