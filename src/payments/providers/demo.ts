import { CommonError, ValidationFailedError } from '../../common/errors/app-error';
import {
  CreatedPayment,
  DemoChargeResult,
  PaymentEvent,
  PaymentOrder,
  PaymentProvider,
  PaymentState,
  RefundRequest,
  RefundResult,
} from '../payment-provider';

/** The two card numbers the demo knows, as Stripe's test cards: one that pays, one that is declined. */
export const DEMO_CARDS = { succeeds: '4242424242424242', declined: '4000000000000002' } as const;

/**
 * PAYMENT_PROVIDER=demo, the default: no account, no network, no state. A demo payment is settled in the
 * request that makes it (POST /orders/{id}/demo-payment/), so it is never `processing`, and the provider
 * keeps no record of it: the order is the record. Refunds always succeed.
 */
export class DemoPaymentProvider extends PaymentProvider {
  readonly name = 'demo' as const;

  async createPayment(order: PaymentOrder): Promise<CreatedPayment> {
    return { reference: `demo_${order.id}`, client: { pay_url: `/orders/${order.id}/pay` } };
  }

  async retrieve(_reference: string): Promise<PaymentState> {
    return { status: 'requires_payment', amount: null, currency: null };
  }

  async refund(payment: RefundRequest): Promise<RefundResult> {
    return { reference: `demo_${payment.key}`, status: 'succeeded' };
  }

  async retrieveRefund(reference: string): Promise<RefundResult> {
    return { reference, status: 'succeeded' };
  }

  async parseEvent(_rawBody: Buffer, _signature: string | undefined): Promise<PaymentEvent> {
    throw new CommonError('NOT_FOUND', 'The demo payment provider sends no webhooks.');
  }

  demoCharge(cardNumber: string): DemoChargeResult {
    const digits = typeof cardNumber === 'string' ? cardNumber.replace(/ /g, '') : '';
    if (digits === DEMO_CARDS.succeeds) return { status: 'succeeded' };
    if (digits === DEMO_CARDS.declined) return { status: 'declined', reason: 'card_declined' };
    throw ValidationFailedError.field('card_number', 'is not a demo card: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined');
  }
}
