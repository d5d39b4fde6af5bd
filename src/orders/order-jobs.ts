import { JobKind } from '../jobs/job-kind';

/** Asks the provider for a refund the service decided (a refunds row); retried while the provider cannot be reached. */
export const REFUND_PAYOUT = new JobKind<{ refundId: number }>('payments.refund');

/** Tells the customer an order was refunded in full (the seats were gone, say). */
export const ORDER_REFUNDED_MAIL = new JobKind<{ orderId: number }>('mail.order-refunded');
