import { statement } from '../../database/statement';
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
});

export interface OrderForMailRow {
  id: number;
  amount: number;
  currency: string;
  refunded_amount: number;
  refund_reason: RefundReason | null;
  seat_numbers: number[];
  username: string;
  email: string;
  title: string;
  screen_name: string;
  date_time: Date;
}

/** What a message about an order says, read when it is sent. */
export const ORDER_FOR_MAIL = statement<[orderId: number], OrderForMailRow>({
  name: 'order-for-mail',
  text: `
SELECT o.id, o.amount, o.currency, o.refunded_amount, o.refund_reason, o.seat_numbers, u.username, coalesce(o.customer_email, u.email) AS email,
       m.title, sh.screen_name, sh.date_time
  FROM orders o
  JOIN users u ON u.id = o.user_id
  JOIN shows sh ON sh.id = o.show_id
  JOIN movies m ON m.id = sh.movie_id
 WHERE o.id = $1`,
});
