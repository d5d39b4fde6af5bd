import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { CommonError } from '../../common/errors/app-error';
import { Database } from '../../database/database';
import { Transaction } from '../../database/statement';
import { OrdersService } from '../../orders/orders.service';
import { OrderRow } from '../../orders/sql/order-row';
import { LOCK_ORDER, MARK_ORDER_FAILED, ORDER_OF_PAYMENT, SET_PAYMENT_REF } from '../../orders/sql/orders';
import { PAYMENT_EVENT_RECORDED, RECORD_PAYMENT_EVENT } from '../../orders/sql/payment-events';
import { OPEN_REFUNDS_OF_PAYMENT, SETTLE_REFUND } from '../../orders/sql/refunds';
import { PaymentError } from '../payments.errors';
import { PaymentEvent, PaymentProvider, PaymentState, RefundResult } from '../payment-provider';
import { StripeEventAnswer } from './stripe-event.dto';

const PROVIDER = 'stripe' as const;

/** Events that say something of a payment's refunds: each has the service re-read the refunds it still waits for. */
const REFUND_EVENTS = new Set(['charge.refunded', 'charge.refund.updated', 'refund.created', 'refund.updated', 'refund.failed']);

type OrderOfPayment = Pick<OrderRow, 'id' | 'amount' | 'currency' | 'status' | 'payment_ref'>;

/**
 * Stripe's webhook: events repeat, race each other and arrive in any order, so
 * each is verified on its raw bytes, recorded once (payment_events) in the
 * transaction of its effect, and never trusted for facts: the PaymentIntent or
 * refund it names is re-read from Stripe first, outside any transaction.
 * An answer other than 2xx makes Stripe deliver the event again later (for up
 * to three days), which is how an event that came too early is handled.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger('StripeWebhook');

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly provider: PaymentProvider,
    private readonly orders: OrdersService,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<StripeEventAnswer> {
    if (this.provider.name !== PROVIDER) throw new CommonError('NOT_FOUND', 'This box office takes no payments through Stripe (PAYMENT_PROVIDER is not stripe).');
    // No body (no content type) verifies as nothing: the same 400 as a body that was not signed.
    const event = await this.provider.parseEvent(Buffer.isBuffer(rawBody) ? rawBody : Buffer.alloc(0), signature);
    const [{ recorded }] = await this.db.rows(PAYMENT_EVENT_RECORDED, PROVIDER, event.id);
    if (recorded) return answer(event, true);
    return answer(event, !(await this.handle(event)));
  }

  /** Handles a verified event; false when another delivery of it was recorded meanwhile (nothing changed here). */
  private handle(event: PaymentEvent): Promise<boolean> {
    if (event.reference !== null && event.type === 'payment_intent.succeeded') return this.succeeded(event, event.reference);
    if (event.reference !== null && event.type === 'payment_intent.payment_failed') return this.failed(event, event.reference);
    if (event.reference !== null && REFUND_EVENTS.has(event.type)) return this.refundsOf(event, event.reference);
    return this.recordOnly(event);
  }

  /**
   * The customer paid: the order is settled (OrdersService.settle: booked and
   * paid, or refunded in full when its seats are gone) when Stripe shows the
   * payment succeeded for the order's amount; the event is recorded inside the
   * settlement's transaction, under the order's lock.
   */
  private async succeeded(event: PaymentEvent, reference: string): Promise<boolean> {
    const payment = await this.provider.retrieve(reference);
    const order = await this.orderOf(event, reference, payment);
    if (!order) return this.recordOnly(event);
    if (payment.status === 'canceled') {
      this.logger.warn(`event ${event.id} says ${reference} succeeded, but Stripe shows it canceled: order ${order.id} is left as it is`);
      return this.recordOnly(event);
    }
    if (payment.status !== 'succeeded') {
      throw new PaymentError('PAYMENT_NOT_READY', `Stripe does not show ${reference} as succeeded yet (${payment.status}); nothing was recorded.`);
    }
    if (payment.amount !== order.amount || payment.currency !== order.currency) {
      // Money arrived that is not this order's price: settling would sell seats for it. A person must look.
      this.logger.error(
        `event ${event.id}: ${reference} received ${payment.amount} ${payment.currency}, but order ${order.id} costs ${order.amount} ${order.currency}: not settled, refund it by hand`,
      );
      return this.recordOnly(event);
    }
    let first = false;
    await this.orders.settle(order.id, async (tx, locked) => {
      first = (await tx.rows(RECORD_PAYMENT_EVENT, PROVIDER, event.id, event.type, this.clock.now())).length > 0;
      if (first && locked.payment_ref !== reference) await this.storeReference(tx, locked.id, reference);
      return first;
    });
    return first;
  }

  /**
   * A card was declined: a pending order is failed (the customer may check out
   * again while it lasts, and pay the same PaymentIntent with another card),
   * unless Stripe now shows the PaymentIntent paid or under way (a later
   * attempt; its own event settles it).
   */
  private async failed(event: PaymentEvent, reference: string): Promise<boolean> {
    const payment = await this.provider.retrieve(reference);
    const order = await this.orderOf(event, reference, payment);
    if (!order) return this.recordOnly(event);
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.rows(LOCK_ORDER, order.id, now, 0, true);
      if ((await tx.rows(RECORD_PAYMENT_EVENT, PROVIDER, event.id, event.type, now)).length === 0) return false;
      if (locked.payment_ref !== reference) await this.storeReference(tx, order.id, reference);
      if (payment.status === 'requires_payment') await tx.rows(MARK_ORDER_FAILED, order.id, now);
      return true;
    });
  }

  /**
   * Something happened to a payment's refunds: each refund of it the service
   * still waits for (pending, or failed) is re-read from Stripe, and what
   * Stripe says now is written, with the event, in one transaction.
   */
  private async refundsOf(event: PaymentEvent, reference: string): Promise<boolean> {
    const open = await this.db.rows(OPEN_REFUNDS_OF_PAYMENT, PROVIDER, reference);
    const verdicts: { id: number; result: RefundResult }[] = [];
    for (const refund of open) {
      if (refund.provider_ref !== null) verdicts.push({ id: refund.id, result: await this.provider.retrieveRefund(refund.provider_ref) });
    }
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      if ((await tx.rows(RECORD_PAYMENT_EVENT, PROVIDER, event.id, event.type, now)).length === 0) return false;
      for (const { id, result } of verdicts) {
        if (result.status !== 'pending') await tx.rows(SETTLE_REFUND, id, result.status, result.reference, result.reason ?? null, now);
      }
      return true;
    });
  }

  /** An event with nothing to do (a type this service does not act on, another deployment's payment): recorded, so a repeat is known. */
  private async recordOnly(event: PaymentEvent): Promise<boolean> {
    return (await this.db.rows(RECORD_PAYMENT_EVENT, PROVIDER, event.id, event.type, this.clock.now())).length > 0;
  }

  /**
   * The order a payment is for: the one that stored it, or the one its
   * metadata names (the event came before checkout stored the reference).
   * None for another deployment's payment; an event about an order of ours
   * that cannot be found is answered 409, so Stripe delivers it again.
   */
  private async orderOf(event: PaymentEvent, reference: string, payment: PaymentState): Promise<OrderOfPayment | undefined> {
    const [order] = await this.db.rows(ORDER_OF_PAYMENT, PROVIDER, reference, payment.orderId ?? null);
    if (order) return order;
    if (payment.orderId === null || payment.orderId === undefined) {
      this.logger.log(`event ${event.id} is about ${reference}, a payment of no order of this deployment: recorded, nothing done`);
      return undefined;
    }
    throw new PaymentError('PAYMENT_NOT_READY', `${reference} is for order ${payment.orderId}, which has no such payment yet; nothing was recorded.`);
  }

  /** Checkout's answer has not stored the reference yet: the settlement does, under the order's lock. */
  private async storeReference(tx: Transaction, orderId: number, reference: string): Promise<void> {
    const [stored] = await tx.rows(SET_PAYMENT_REF, orderId, reference);
    if (!stored) throw new Error(`order ${orderId} has another payment than ${reference}`);
  }
}

const answer = (event: PaymentEvent, duplicate: boolean): StripeEventAnswer => ({ event_id: event.id, type: event.type, duplicate });
