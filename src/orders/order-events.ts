import { EventKind } from '../database/events';
import type { OrderProvider } from './entities/order.entity';
import type { RefundStatus } from './entities/refund.entity';

/** How a payment attempt ended: paid for seats, declined, or paid and refunded at once (`refunded_seats_gone`…). */
export type PaymentOutcome = 'succeeded' | 'declined' | `refunded_${'seats_gone' | 'show_cancelled'}`;

/** Reported by the statements that settle or decline a payment; announced after their commit (OrderMetrics counts them). */
export const PAYMENT_OUTCOMES = new EventKind<{ provider: OrderProvider; outcome: PaymentOutcome }>('payment-outcomes');

/** Reported by SETTLE_REFUND for each refund it wrote the provider's verdict on: carried out, or refused (a pending answer is no verdict). */
export const REFUND_OUTCOMES = new EventKind<{ outcome: Exclude<RefundStatus, 'pending'> }>('refund-outcomes');
