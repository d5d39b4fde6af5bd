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
}

export const ORDER_COLUMNS = 'id, user_id, show_id, hold_id, seat_numbers, amount, currency, status, provider, payment_ref, created_at, expires_at, paid_at, refunded_amount, refund_reason';

/** Order `o`'s status at `now`: pending and failed orders end by their expiry (a payment after it is a late payment). */
export const shownStatus = (o: string, now: string) =>
  `CASE WHEN ${o}.status IN ('pending', 'failed') AND ${o}.expires_at <= ${now} THEN 'expired' ELSE ${o}.status END`;

/** Order `o` has been paid for (money received; some of it may have gone back). */
export const isPaid = (o: string) => `${o}.status IN ('paid', 'partially_refunded', 'refunded')`;
