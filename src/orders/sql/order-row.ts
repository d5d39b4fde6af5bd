import type { OrderProvider, OrderStatus, RefundReason } from '../entities/order.entity';

/** An orders row as the statements return it, its status as of the clock's now (`shown_status`). */
export interface OrderRow {
  id: number;
  user_id: number;
  show_id: number;
  hold_id: number | null;
  seat_numbers: number[];
  amount: number;
  currency: string;
  /** As stored. */
  status: OrderStatus;
  /** As answered: a pending or failed order past its expiry is expired, whether or not anything wrote it. */
  shown_status: OrderStatus;
  provider: OrderProvider;
  payment_ref: string | null;
  created_at: Date;
  expires_at: Date;
  paid_at: Date | null;
  refunded_amount: number;
  refund_reason: RefundReason | null;
  /** What the order is for (orderShow): the show as it is now, the seats by label. */
  show: OrderShow;
}

export interface OrderShow {
  movie_title: string;
  screen_name: string;
  /** As jsonb writes a timestamptz. */
  date_time: string;
  seat_labels: string[];
}

export const ORDER_COLUMNS = 'id, user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, payment_ref, created_at, expires_at, paid_at, refunded_amount, refund_reason';

/** Order `o`'s status at `now`: pending and failed orders end by their expiry (a payment after it is a late payment). */
export const shownStatus = (o: string, now: string) =>
  `CASE WHEN ${o}.status IN ('pending', 'failed') AND ${o}.expires_at <= ${now} THEN 'expired' ELSE ${o}.status END`;

/** Order `o` has been paid for (money received; some of it may have gone back). */
export const isPaid = (o: string) => `${o}.status IN ('paid', 'partially_refunded', 'refunded')`;

/**
 * What order `o` is for, as one jsonb column `show` made of subqueries (so it
 * fits a RETURNING): the movie, screen and start of its show, and its seats by
 * label in the order's order: the label each was sold with where the order's
 * booking exists, else the seat's label in the show's plan.
 */
export const orderShow = (o: string) => `(
    SELECT jsonb_build_object(
             'movie_title', order_movie.title, 'screen_name', order_show.screen_name, 'date_time', order_show.date_time,
             'seat_labels', ARRAY(
               SELECT coalesce((SELECT b.seat_label FROM bookings b WHERE b.order_id = ${o}.id AND b.seat_number = n.seat ORDER BY b.id LIMIT 1),
                               (SELECT s.label FROM seats s WHERE s.show_id = ${o}.show_id AND s.seat_number = n.seat), n.seat::text)
                 FROM unnest(${o}.seat_numbers) WITH ORDINALITY AS n(seat, place) ORDER BY n.place))
      FROM shows order_show JOIN movies order_movie ON order_movie.id = order_show.movie_id
     WHERE order_show.id = ${o}.show_id) AS show`;

/** An order row `o` as the statements answer it at `now`: its columns, its status then, and what it is for. */
export const orderAnswer = (o: string, now: string) =>
  `${ORDER_COLUMNS.split(', ').map((c) => `${o}.${c}`).join(', ')}, ${shownStatus(o, now)} AS shown_status, ${orderShow(o)}`;
