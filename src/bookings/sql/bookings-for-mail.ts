import { statement } from '../../database/statement';
import { bookingCustomer } from './booking-row';

export interface BookingForMailRow {
  id: number;
  status: 'booked' | 'cancelled';
  seat_label: string;
  ticket_code: string;
  /** NULL for a box-office sale to an address without an account: the seller's name is not the customer's. */
  username: string | null;
  /** Where the message goes: the box-office customer's address, else the account's. */
  email: string;
  /** What the seat was sold for (0: free), in minor units of `currency`. */
  price: number;
  currency: string;
  /** How it was paid; NULL for a free seat. */
  provider: 'demo' | 'stripe' | 'box_office' | null;
  title: string;
  screen_name: string;
  date_time: Date;
  ends_at: Date;
  /** The cinema's: messages say its wall clock. */
  time_zone: string;
}

/**
 * What a message about bookings says, read when it is sent (so it names the
 * show as it is then): the bookings with their customer (the one a box-office
 * sale named, when it did), show, movie and price, in seat order.
 */
export const BOOKINGS_FOR_MAIL = statement<[bookingIds: number[]], BookingForMailRow>({
  name: 'bookings-for-mail',
  text: `
SELECT b.id, b.status, b.seat_label, b.ticket_code,
       ${bookingCustomer('u', 'o')},
       b.price, coalesce(o.currency, sh.currency) AS currency, o.provider,
       m.title, sh.screen_name, sh.date_time, sh.ends_at, c.time_zone
  FROM bookings b
  JOIN users u ON u.id = b.user_id
  LEFT JOIN orders o ON o.id = b.order_id
  JOIN shows sh ON sh.id = b.show_id
  JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 WHERE b.id = ANY ($1::int[])
 ORDER BY b.seat_number`,
});
