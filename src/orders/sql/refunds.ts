import { statement } from '../../database/statement';
import { insertJobs } from '../../jobs/sql/insert-jobs.sql';
import { REFUND_OUTCOMES } from '../order-events';
import { REFUND_PAYOUT } from '../order-jobs';
import type { OrderProvider, RefundReason } from '../entities/order.entity';
import type { RefundStatus } from '../entities/refund.entity';

export interface RefundToPayRow {
  id: number;
  order_id: number;
  amount: number;
  status: RefundStatus;
  provider: OrderProvider;
  payment_ref: string | null;
}

/** A refund to carry out, with what the provider needs: its order's provider and payment. */
export const REFUND_TO_PAY = statement<[refundId: number], RefundToPayRow>({
  name: 'refund-to-pay',
  text: `
SELECT r.id, r.order_id, r.amount, r.status, o.provider, o.payment_ref
  FROM refunds r JOIN orders o ON o.id = r.order_id
 WHERE r.id = $1`,
});

/** What the provider answered for a refund (a pending one is asked again later). */
export const SETTLE_REFUND = statement<[refundId: number, status: RefundStatus, providerRef: string | null, failure: string | null, now: Date], { id: number }>({
  name: 'settle-refund',
  text: `
UPDATE refunds SET status = $2::varchar, provider_ref = coalesce($3, provider_ref), failure = $4,
                   settled_at = CASE WHEN $2::varchar = 'pending' THEN NULL ELSE $5::timestamptz END
 WHERE id = $1 AND status <> 'succeeded'
RETURNING id`,
  events: (rows, [, status]) => (status === 'pending' ? [] : [REFUND_OUTCOMES.of(...rows.map(() => ({ outcome: status })))]),
});

export interface OrderForMailRow {
  id: number;
  amount: number;
  currency: string;
  refunded_amount: number;
  refund_reason: RefundReason | null;
  seat_numbers: number[];
  /** NULL for a box-office customer without an account. */
  username: string | null;
  email: string;
  title: string;
  screen_name: string;
  date_time: Date;
  time_zone: string;
}

/** What a message about an order says, read when it is sent. */
export const ORDER_FOR_MAIL = statement<[orderId: number], OrderForMailRow>({
  name: 'order-for-mail',
  text: `
SELECT o.id, o.amount, o.currency, o.refunded_amount, o.refund_reason, o.seat_numbers, CASE WHEN o.customer_email IS NULL THEN u.username END AS username, coalesce(o.customer_email, u.email) AS email,
       m.title, sh.screen_name, sh.date_time, c.time_zone
  FROM orders o
  JOIN users u ON u.id = o.user_id
  JOIN shows sh ON sh.id = o.show_id
  JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 WHERE o.id = $1`,
});

/** Lock 0 before cancelling a booking: its order, if it has one (a paid seat is refunded with the cancel). */
export const LOCK_BOOKING_ORDER = statement<[bookingId: number], { id: number }>({
  name: 'lock-booking-order',
  text: `SELECT o.id FROM orders o WHERE o.id = (SELECT order_id FROM bookings WHERE id = $1) FOR UPDATE`,
});

/** Lock 0 before cancelling a show: every order of it, in id order. */
export const LOCK_SHOW_ORDERS = statement<[showId: number], { id: number }>({
  name: 'lock-show-orders',
  text: `SELECT id FROM orders WHERE show_id = $1 ORDER BY id FOR UPDATE`,
});

/** Order row `o` after `refund` more of it went back: refunded when nothing is left, else partially. */
const afterRefund = (o: string, refund: string, reason: string) => `status = CASE WHEN ${o}.refunded_amount + ${refund} >= ${o}.amount THEN 'refunded' ELSE 'partially_refunded' END,
                    refund_reason = CASE WHEN ${o}.refunded_amount + ${refund} >= ${o}.amount THEN ${reason} ELSE ${o}.refund_reason END,
                    refunded_amount = ${o}.refunded_amount + ${refund}`;

/**
 * A paid seat cancelled (CANCEL_BOOKING, earlier in the transaction, its order
 * locked first): its price goes back. The refund row (one per booking,
 * refunds_one_per_booking), the order's refunded amount and status, and the
 * payout job, in one statement. Nothing for a free seat.
 */
export const REFUND_CANCELLED_BOOKING = statement<[bookingId: number, now: Date, reason: RefundReason], { refund_id: number | null; amount: number | null }>({
  name: 'refund-cancelled-booking',
  text: `
WITH b AS (
  SELECT id, order_id, price FROM bookings WHERE id = $1 AND status = 'cancelled' AND order_id IS NOT NULL AND price > 0
), refund AS (
  INSERT INTO refunds (order_id, booking_id, amount, reason, created_at)
  SELECT order_id, id, price, $3, $2 FROM b
  ON CONFLICT DO NOTHING
  RETURNING id, order_id, amount
), updated AS (
  UPDATE orders o SET ${afterRefund('o', 'r.amount', '$3::varchar')}
    FROM refund r WHERE o.id = r.order_id
  RETURNING o.id
), payout AS (${insertJobs(REFUND_PAYOUT, `SELECT jsonb_build_object('refundId', id) AS data FROM refund`)}
)
SELECT r.id AS refund_id, r.amount FROM (SELECT 1) AS one LEFT JOIN refund r ON true`,
});

/**
 * A show cancelled (its orders locked first, LOCK_SHOW_ORDERS): every paid
 * order gets back what it has not had back yet (one remainder refund per
 * order, refunds_one_remainder_per_order) with its payout job; unpaid orders
 * end as expired (a payment that still comes is a late payment, and the
 * cancelled show refunds it). One row per refund.
 */
export const REFUND_SHOW_ORDERS = statement<[showId: number, now: Date], { refund_id: number; order_id: number; amount: number }>({
  name: 'refund-show-orders',
  text: `
WITH due AS (
  SELECT id, amount - refunded_amount AS rest FROM orders WHERE show_id = $1 AND status IN ('paid', 'partially_refunded')
), refund AS (
  INSERT INTO refunds (order_id, amount, reason, created_at)
  SELECT id, rest, 'SHOW_CANCELLED', $2 FROM due WHERE rest > 0
  ON CONFLICT DO NOTHING
  RETURNING id, order_id, amount
), updated AS (
  UPDATE orders o SET ${afterRefund('o', 'r.amount', "'SHOW_CANCELLED'")}
    FROM refund r WHERE o.id = r.order_id
  RETURNING o.id
), unpaid AS (
  UPDATE orders o SET status = 'expired' WHERE show_id = $1 AND status IN ('pending', 'failed') RETURNING o.id
), payout AS (${insertJobs(REFUND_PAYOUT, `SELECT jsonb_build_object('refundId', id) AS data FROM refund`)}
)
SELECT id AS refund_id, order_id, amount FROM refund ORDER BY order_id`,
});

/**
 * The refunds of a provider's payment that are not known to have succeeded,
 * with the provider's refund where one was made: what a refund event
 * (`charge.refunded`, `refund.updated`) has the service re-read. One without
 * `provider_ref` is its payout job's to carry out (the job's idempotency key
 * finds the provider's refund if the answer was lost).
 */
export const OPEN_REFUNDS_OF_PAYMENT = statement<[provider: OrderProvider, reference: string], { id: number; provider_ref: string | null }>({
  name: 'open-refunds-of-payment',
  text: `
SELECT r.id, r.provider_ref
  FROM refunds r JOIN orders o ON o.id = r.order_id
 WHERE o.provider = $1 AND o.payment_ref = $2 AND r.status <> 'succeeded'
 ORDER BY r.id`,
});
