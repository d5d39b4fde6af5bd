import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { actingAs } from '../common/access/may-act';
import { Clock } from '../common/clock';
import { localIso } from '../common/time-zone';
import { AuthUser } from '../common/decorators/auth.decorators';
import { Page, PageQuery } from '../common/http/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Transaction } from '../database/statement';
import { Jobs } from '../jobs/jobs';
import { Mailer } from '../mail/mailer';
import { orderRefundedMail } from '../mail/templates/orders';
import { PaymentError } from '../payments/payments.errors';
import { PaymentProvider } from '../payments/payment-provider';
import { BOOKINGS_CONFIRMED } from '../bookings/booking-mail';
import { refusalError } from '../bookings/refusals';
import { BOOK_SEATS, LOCK_CUSTOMER_SHOWS } from '../bookings/sql/book-seats';
import { BookingRow } from '../bookings/sql/booking-row';
import { LOCK_HOLD_TO_CONFIRM, LOCK_HOLDER_SHOW, SHARE_HOLD_SHOW } from '../bookings/holds/sql/end-holds';
import { SHARE_SHOW } from '../bookings/holds/sql/hold-seats';
import { verdictsOf } from '../bookings/verdicts';
import { OrderResponse, toOrder } from './dto/order.dto';
import { ORDER_REFUNDED_MAIL, REFUND_PAYOUT } from './order-jobs';
import { OrderError } from './orders.errors';
import { OrderRow } from './sql/order-row';
import {
  COUNT_MY_ORDERS,
  LOCK_ORDER,
  MARK_ORDER_FAILED,
  MARK_ORDER_PAID,
  MY_ORDERS,
  ORDER,
  PLACE_BOX_OFFICE_ORDER,
  PLACE_ORDER,
  REFUND_UNSEATED_ORDER,
  SET_PAYMENT_REF,
} from './sql/orders';
import { ORDER_FOR_MAIL, REFUND_TO_PAY, SETTLE_REFUND } from './sql/refunds';

const PAID = new Set(['paid', 'partially_refunded', 'refunded']);

/**
 * Selling for money: a hold checked out into an order, the order paid (its
 * bookings made in the same transaction, or, when its seats are gone, refunded
 * at once), refunds carried out by jobs. The provider is called outside any
 * transaction, with the order as its idempotency key.
 */
@Injectable()
export class OrdersService implements OnModuleInit {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: Jobs,
    private readonly provider: PaymentProvider,
    private readonly mailer: Mailer,
  ) {}

  onModuleInit(): void {
    this.jobs.register(REFUND_PAYOUT, ({ data }) => this.payOut(data.refundId));
    this.jobs.register(ORDER_REFUNDED_MAIL, ({ data }) => this.sendRefunded(data.orderId));
  }

  /**
   * Checks out a hold of a priced show: the hold's live order again, or a new
   * one, kept with the hold until its expiry; then the provider's payment for
   * it (the same one for the same order, whatever repeats).
   */
  async checkout(user: AuthUser, holdId: number): Promise<OrderResponse> {
    const now = this.clock.now();
    const order = await this.db.transaction(async (tx) => {
      await tx.rows(LOCK_HOLDER_SHOW, holdId);
      await tx.rows(SHARE_HOLD_SHOW, holdId);
      const [hold] = await tx.rows(LOCK_HOLD_TO_CONFIRM, holdId, now, ...actingAs(user, 'confirm-hold'));
      if (hold.refusal !== null) throw refusalError(hold);
      const [placed] = await tx.rows(PLACE_ORDER, hold.id, hold.user_id, hold.show_id, hold.seat_numbers, now, this.config.payments.paymentWindowSeconds, this.provider.name);
      if (placed.free) throw new OrderError('CHECKOUT_NOT_NEEDED');
      return placed as OrderRow;
    });
    const payment = await this.provider.createPayment({
      id: order.id,
      amount: order.amount,
      currency: order.currency,
      description: `Order ${order.id}: ${order.seat_numbers.length} seat(s) of show ${order.show_id}`,
      reference: order.payment_ref,
    });
    if (order.payment_ref !== payment.reference) {
      const [written] = await this.db.rows(SET_PAYMENT_REF, order.id, payment.reference);
      if (!written) throw new Error(`order ${order.id} has another payment than ${payment.reference}`);
      order.payment_ref = payment.reference;
    }
    return toOrder(order, { provider: this.provider.name, ...payment.client });
  }

  /**
   * The demo provider's card form: 4242… pays (the same settlement a
   * provider's webhook triggers), 4000…0002 declines and fails the order.
   */
  async demoPay(user: AuthUser, orderId: number, cardNumber: string): Promise<OrderResponse> {
    if (this.provider.name !== 'demo') throw new OrderError('ORDER_NOT_FOUND');
    const now = this.clock.now();
    const [order] = await this.db.rows(ORDER, orderId, now, ...actingAs(user, 'pay-order'));
    if (order.refusal !== null) throw new OrderError(order.refusal);
    if (order.status === 'refunded') throw new OrderError('ORDER_REFUNDED');
    if (PAID.has(order.status!)) throw new OrderError('ORDER_ALREADY_PAID');
    const charge = this.provider.demoCharge(cardNumber);
    if (charge.status === 'declined') {
      await this.db.rows(MARK_ORDER_FAILED, orderId, now);
      throw new PaymentError('PAYMENT_DECLINED');
    }
    return toOrder(await this.settle(orderId), { provider: this.provider.name });
  }

  /**
   * A payment succeeded: once per order, whatever repeats or races. Under the
   * order's lock (lock 0), its seats are booked through the booking statement
   * with the order (the holder's own held seats count as free, an expired hold
   * as nothing), and the order is paid; when the seats cannot be had, the
   * order is refunded in full at once and the customer told. An order already
   * settled is answered as it is.
   *
   * `first`, when given, runs in the same transaction right after the order's
   * lock, before anything is decided (a webhook records its event there, so
   * the event and its effect commit together); when it answers false, nothing
   * more is done and the order is answered as it is.
   */
  async settle(orderId: number, first?: (tx: Transaction, order: OrderRow) => Promise<boolean>): Promise<OrderRow> {
    const now = this.clock.now();
    // BOOK_SEATS adds the tickets' confirmation and REFUND_UNSEATED_ORDER the refund's payout themselves.
    await Promise.all([this.jobs.ready(BOOKINGS_CONFIRMED), this.jobs.ready(REFUND_PAYOUT)]);
    return this.db.transaction(async (tx) => {
      const [order] = await tx.rows(LOCK_ORDER, orderId, now, 0, true);
      if (order.refusal !== null) throw new OrderError(order.refusal);
      if (first && !(await first(tx, order as OrderRow))) return order as OrderRow;
      if (PAID.has(order.status!)) return order as OrderRow;
      const seats = order.seat_numbers!;
      const limit = this.config.booking.maxBookedSeatsPerShow;
      await tx.rows(LOCK_CUSTOMER_SHOWS, [order.user_id!], [order.show_id!]);
      await tx.rows(SHARE_SHOW, order.show_id!);
      const rows = await tx.rows(BOOK_SEATS, seats.map(() => 0), seats.map(() => order.user_id!), seats.map(() => order.show_id!), seats, now, limit, orderId);
      const [verdict] = verdictsOf(rows, 1, limit);
      if (!verdict.refused) return (await tx.rows(MARK_ORDER_PAID, orderId, now))[0];
      const reason = verdict.refused.refusal === 'SHOW_CANCELLED' ? 'SHOW_CANCELLED' : 'SEATS_GONE';
      this.logger.log(`order ${orderId} was paid but its seats could not be booked (${verdict.refused.refusal}): refunded in full`);
      const [refunded] = await tx.rows(REFUND_UNSEATED_ORDER, orderId, now, reason);
      await this.jobs.add(tx, ORDER_REFUNDED_MAIL, { orderId });
      return refunded;
    });
  }

  /**
   * A sale at the box office (admin or staff): the order is paid at the desk
   * and its bookings made with it, in one transaction; the customer's cap and
   * hold limits do not apply. Refused as a booking would be (nothing is kept).
   */
  async sellAtBoxOffice(seller: AuthUser, showId: number, seats: number[], customerEmail: string | null): Promise<BookingRow[]> {
    const now = this.clock.now();
    await this.jobs.ready(BOOKINGS_CONFIRMED);
    return this.db.transaction(async (tx: Transaction) => {
      await tx.rows(LOCK_CUSTOMER_SHOWS, [seller.id], [showId]);
      const [order] = await tx.rows(PLACE_BOX_OFFICE_ORDER, seller.id, showId, seats, now, customerEmail);
      const limit = 2_147_483_647;
      const rows = await tx.rows(BOOK_SEATS, seats.map(() => 0), seats.map(() => seller.id), seats.map(() => showId), seats, now, limit, order?.id ?? null);
      const [verdict] = verdictsOf(rows, 1, limit);
      if (verdict.refused) throw refusalError(verdict.refused);
      return verdict.bookings;
    });
  }

  async get(user: AuthUser, orderId: number): Promise<OrderResponse> {
    const [order] = await this.db.rows(ORDER, orderId, this.clock.now(), ...actingAs(user, 'read-order'));
    if (order.refusal !== null) throw new OrderError(order.refusal);
    return toOrder(order as OrderRow, { provider: order.provider! });
  }

  async listForUser(userId: number, query: PageQuery): Promise<Page<OrderResponse>> {
    const [items, [{ total }]] = await Promise.all([
      this.db.rows(MY_ORDERS, userId, this.clock.now(), query.limit, query.offset),
      this.db.rows(COUNT_MY_ORDERS, userId),
    ]);
    return new Page(
      items.map((row) => toOrder(row, { provider: row.provider })),
      total,
    );
  }

  /** Carries out a refund the service decided; a provider that cannot be reached throws, and the job is retried. */
  private async payOut(refundId: number): Promise<void> {
    const [refund] = await this.db.rows(REFUND_TO_PAY, refundId);
    if (!refund || refund.status === 'succeeded') return;
    if (refund.provider === 'box_office' || refund.payment_ref === null) {
      // Paid at the desk: the money goes back at the desk.
      await this.db.rows(SETTLE_REFUND, refundId, 'succeeded', null, null, this.clock.now());
      return;
    }
    const result = await this.provider.refund({ reference: refund.payment_ref, amount: refund.amount, key: `refund:${refundId}` });
    await this.db.rows(SETTLE_REFUND, refundId, result.status, result.reference, result.reason ?? null, this.clock.now());
    if (result.status === 'failed') throw new Error(`the provider refused refund ${refundId}: ${result.reason ?? 'no reason given'}`);
  }

  private async sendRefunded(orderId: number): Promise<void> {
    const [row] = await this.db.rows(ORDER_FOR_MAIL, orderId);
    if (!row) return;
    await this.mailer.deliver(
      'order-refunded',
      row.email,
      orderRefundedMail(this.mailer.cinemaName, {
        username: row.username,
        title: row.title,
        startsAt: localIso(row.date_time, row.time_zone),
        screen: row.screen_name,
        amount: row.refunded_amount,
        currency: row.currency,
        reason: row.refund_reason,
        link: `${this.mailer.publicUrl}/my-orders`,
      }),
    );
  }
}
