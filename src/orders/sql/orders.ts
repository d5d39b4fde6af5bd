import { mayActSql } from '../../common/access/may-act';
import { statement } from '../../database/statement';
import { insertJobs } from '../../jobs/sql/insert-jobs.sql';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { freeHeldSeats, seatPrice } from '../../seats/seat-rules.sql';
import type { OrderProvider, RefundReason } from '../entities/order.entity';
import { PAYMENT_OUTCOMES, PaymentOutcome } from '../order-events';
import { REFUND_PAYOUT } from '../order-jobs';
import { isPaid, ORDER_COLUMNS, orderAnswer, OrderRow } from './order-row';

const RETURNING_ORDER = (now: string) => orderAnswer('o', now);

/** The payment outcome of each order a statement wrote, for the metrics (announced after commit). */
const outcomes = (outcome: (row: OrderRow) => PaymentOutcome) => (rows: OrderRow[]) => [
  PAYMENT_OUTCOMES.of(...rows.map((row) => ({ provider: row.provider, outcome: outcome(row) }))),
];

/**
 * A checkout of a hold the caller may confirm, locked by LOCK_HOLD_TO_CONFIRM
 * (locks 1 to 3) in the same transaction: the hold's live order (pending or
 * failed) again, as pending, with its expiry unchanged (one live order per
 * hold, orders_one_live_per_hold); or a new one for the hold's seats at the
 * seats' prices (seatPrice: by kind where the show sets one), paying within `window` seconds, the hold (and its seat rows,
 * lock 4) kept until then. `free` when the seats cost nothing: no order, the
 * hold is confirmed as it is.
 */
export const PLACE_ORDER = statement<
  [holdId: number, userId: number, showId: number, seats: number[], now: Date, windowSeconds: number, provider: OrderProvider],
  { free: boolean } & Partial<OrderRow>
>({
  name: 'place-order',
  text: `
WITH sh AS (
  SELECT sh.id, sh.currency, (SELECT coalesce(sum(${seatPrice('sh', 's')}), 0)::int FROM seats s WHERE s.show_id = sh.id AND s.seat_number = ANY ($4::int[])) AS amount
    FROM shows sh WHERE sh.id = $3
), live AS (
  UPDATE orders o SET status = 'pending'
   WHERE o.hold_id = $1 AND o.status IN ('pending', 'failed') AND o.expires_at > $5
  RETURNING o.*
), placed AS (
  INSERT INTO orders (user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, created_at, expires_at)
  SELECT $2, sh.id, $1, $4::int[], sh.amount, sh.currency, 'pending', $7, $5, $5::timestamptz + $6 * interval '1 second'
    FROM sh
   WHERE sh.amount > 0 AND NOT EXISTS (SELECT 1 FROM live)
  RETURNING *
), kept AS (
  UPDATE holds h SET expires_at = p.expires_at FROM placed p WHERE h.id = p.hold_id AND h.expires_at < p.expires_at RETURNING h.id
), seats_kept AS (
  UPDATE seats s SET hold_expires_at = p.expires_at FROM placed p WHERE s.hold_id = p.hold_id AND s.hold_expires_at < p.expires_at
)
SELECT coalesce((SELECT amount = 0 FROM sh), false) AS free, ${orderAnswer('o', '$5::timestamptz')}
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT ${ORDER_COLUMNS} FROM live UNION ALL SELECT ${ORDER_COLUMNS} FROM placed) o ON true`,
});

/** The provider's payment for an order, written once (a second checkout finds the same reference). */
export const SET_PAYMENT_REF = statement<[orderId: number, reference: string], { id: number }>({
  name: 'set-payment-ref',
  text: `UPDATE orders SET payment_ref = $2 WHERE id = $1 AND (payment_ref IS NULL OR payment_ref = $2) RETURNING id`,
});

export type OrderAccessRefusal = 'ORDER_NOT_FOUND' | 'NOT_ORDER_OWNER';

/** An order the actor may read (see may-act.ts), or why not. */
export const ORDER = statement<[orderId: number, now: Date, actorId: number, forAnyone: boolean], { refusal: OrderAccessRefusal | null } & Partial<OrderRow>>({
  name: 'order',
  text: `
SELECT CASE WHEN o.id IS NULL THEN 'ORDER_NOT_FOUND' WHEN NOT ${mayActSql('o.user_id', '$3', '$4')} THEN 'NOT_ORDER_OWNER' END AS refusal,
       ${orderAnswer('o', '$2::timestamptz')}
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1) o ON true`,
});

/**
 * Lock 0 of the documented order: the order row, before anything else of a
 * payment's settlement or a decline. Says whether the actor may pay it.
 */
export const LOCK_ORDER = statement<[orderId: number, now: Date, actorId: number, forAnyone: boolean], { refusal: OrderAccessRefusal | null } & Partial<OrderRow>>({
  name: 'lock-order',
  text: `
WITH locked AS (
  SELECT * FROM orders WHERE id = $1 FOR UPDATE
)
SELECT CASE WHEN o.id IS NULL THEN 'ORDER_NOT_FOUND' WHEN NOT ${mayActSql('o.user_id', '$3', '$4')} THEN 'NOT_ORDER_OWNER' END AS refusal,
       ${orderAnswer('o', '$2::timestamptz')}
  FROM (SELECT 1) AS one
  LEFT JOIN locked o ON true`,
});

/** The order with this provider's payment reference (a webhook's), locked (lock 0). */
export const LOCK_ORDER_BY_REF = statement<[provider: OrderProvider, reference: string, now: Date], OrderRow>({
  name: 'lock-order-by-ref',
  text: `
SELECT ${RETURNING_ORDER('$3::timestamptz')} FROM orders o WHERE provider = $1 AND payment_ref = $2 FOR UPDATE`,
});

/** A declined attempt: the order (still unpaid) is failed; the customer may check out again while it lasts. */
export const MARK_ORDER_FAILED = statement<[orderId: number, now: Date], OrderRow>({
  name: 'mark-order-failed',
  text: `
UPDATE orders o SET status = 'failed' WHERE id = $1 AND status IN ('pending', 'failed')
RETURNING ${RETURNING_ORDER('$2::timestamptz')}`,
  events: outcomes(() => 'declined'),
});

/**
 * The order's bookings were made (BOOK_SEATS, with this order): it is paid,
 * and its hold, if still active, is confirmed.
 */
export const MARK_ORDER_PAID = statement<[orderId: number, now: Date], OrderRow>({
  name: 'mark-order-paid',
  text: `
WITH hold AS (
  UPDATE holds h SET status = 'confirmed' FROM orders o WHERE o.id = $1 AND h.id = o.hold_id AND h.status = 'active' RETURNING h.id
)
UPDATE orders o SET status = 'paid', paid_at = $2 WHERE id = $1 AND NOT ${isPaid('o')}
RETURNING ${RETURNING_ORDER('$2::timestamptz')}`,
  events: outcomes(() => 'succeeded'),
});

/**
 * Money arrived for seats that cannot be had (gone, the show cancelled or
 * started): the order is refunded in full at once (`reason`), its refund
 * written for the provider (REFUND_PAYOUT, a job in this statement) and its
 * hold, if still active, released with its seats.
 */
export const REFUND_UNSEATED_ORDER = statement<[orderId: number, now: Date, reason: RefundReason], OrderRow & { refund_id: number }>({
  name: 'refund-unseated-order',
  text: `
WITH refunded AS (
  UPDATE orders o SET status = 'refunded', paid_at = $2, refunded_amount = o.amount, refund_reason = $3
   WHERE id = $1 AND NOT ${isPaid('o')}
  RETURNING o.*
), refund AS (
  INSERT INTO refunds (order_id, amount, reason, created_at)
  SELECT id, amount, $3, $2 FROM refunded WHERE amount > 0
  RETURNING id
), payout AS (${insertJobs(REFUND_PAYOUT, `SELECT jsonb_build_object('refundId', id) AS data FROM refund`)}
), ended AS (
  UPDATE holds h SET status = 'released', ended_at = $2 FROM refunded r WHERE h.id = r.hold_id AND h.status = 'active' RETURNING h.id
), ${freeHeldSeats('ended')}
SELECT ${orderAnswer('o', '$2::timestamptz')}, (SELECT id FROM refund) AS refund_id,
       (SELECT min(show_id) FROM freed) AS freed_show, ARRAY(SELECT seat_number FROM freed ORDER BY seat_number) AS freed_seats
  FROM refunded o`,
  events: (rows) => [
    SEAT_CHANGES.of(
      ...rows
        .map((row) => row as unknown as { freed_show: number | null; freed_seats: number[] })
        .filter((row) => row.freed_show !== null)
        .map((row) => ({ show_id: row.freed_show as number, status: 'available' as const, seats: row.freed_seats })),
    ),
    ...outcomes((row) => (row.refund_reason === 'SHOW_CANCELLED' ? 'refunded_show_cancelled' : 'refunded_seats_gone'))(rows),
  ],
});

/** A customer's orders, newest first. */
export const MY_ORDERS = statement<[userId: number, now: Date, limit: number, offset: number], OrderRow>({
  name: 'my-orders',
  text: `
SELECT ${RETURNING_ORDER('$2::timestamptz')}
  FROM orders o
 WHERE user_id = $1
 ORDER BY created_at DESC, id DESC
 LIMIT $3 OFFSET $4`,
});

export const COUNT_MY_ORDERS = statement<[userId: number], { total: number }>({
  name: 'count-my-orders',
  text: `SELECT count(*)::int AS total FROM orders WHERE user_id = $1`,
});

/** A box-office sale: an order paid at the desk, before its bookings are made with it in the same transaction. */
export const PLACE_BOX_OFFICE_ORDER = statement<[userId: number, showId: number, seats: number[], now: Date, customerEmail: string | null], OrderRow>({
  name: 'place-box-office-order',
  text: `
INSERT INTO orders AS o (user_id, show_id, seat_numbers, amount, currency, status, provider, created_at, expires_at, paid_at, customer_email)
SELECT $1, sh.id, $3::int[], (SELECT coalesce(sum(${seatPrice('sh', 's')}), 0)::int FROM seats s WHERE s.show_id = sh.id AND s.seat_number = ANY ($3::int[])),
       sh.currency, 'paid', 'box_office', $4, $4, $4, $5
  FROM shows sh WHERE sh.id = $2
RETURNING ${RETURNING_ORDER('$4::timestamptz')}`,
  events: outcomes(() => 'succeeded'),
});

/**
 * The order a provider's payment is for: the one that stored it (checkout's
 * answer), else the one the payment itself names (`orderId`, a Stripe
 * PaymentIntent's metadata) when that order is of this provider and has
 * stored no other payment (the event came before checkout's answer). Not
 * locked: the settlement locks it (lock 0) and checks again.
 */
export const ORDER_OF_PAYMENT = statement<[provider: OrderProvider, reference: string, orderId: number | null], Pick<OrderRow, 'id' | 'amount' | 'currency' | 'status' | 'payment_ref'>>({
  name: 'order-of-payment',
  text: `
SELECT id, amount, currency, status, payment_ref
  FROM orders
 WHERE provider = $1 AND (payment_ref = $2 OR (id = $3 AND (payment_ref IS NULL OR payment_ref = $2)))
 ORDER BY payment_ref = $2 DESC NULLS LAST
 LIMIT 1`,
});
