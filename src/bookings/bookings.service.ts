import { Inject, Injectable } from '@nestjs/common';
import { actingAs } from '../common/access/may-act';
import { Clock } from '../common/clock';
import { AuthUser } from '../common/decorators/auth.decorators';
import { pgConstraint } from '../common/errors/pg-errors';
import { Page } from '../common/http/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { Database } from '../database/database';
import { Jobs } from '../jobs/jobs';
import { REFUND_PAYOUT } from '../orders/order-jobs';
import { OrdersService } from '../orders/orders.service';
import { LOCK_BOOKING_ORDER, REFUND_CANCELLED_BOOKING } from '../orders/sql/refunds';
import { BookingMail } from './booking-mail';
import { BookingError } from './bookings.errors';
import { BatchedRequest, BookingBatcher } from './booking-batcher';
import { BookingResponse, MyBookingResponse, MyBookingsQuery } from './dto/booking.dto';
import { FullShows } from './full-shows';
import { refusalError } from './refusals';
import { BOOK_SEATS, BookSeatsRow, LOCK_CUSTOMER_SHOWS } from './sql/book-seats';
import { toBooking } from './sql/booking-row';
import { CANCEL_BOOKING, isCancelled } from './sql/cancel-booking';
import { COUNT_MY_BOOKINGS, MY_BOOKINGS, toMyBooking } from './sql/my-bookings';
import { COUNT_SHOW_BOOKINGS, SHOW_BOOKINGS, toShowBooking } from './sql/show-bookings';
import { SHOW_BOOKING_COLUMNS, ShowBookingResponse, ShowBookingsQuery } from './dto/show-booking.dto';
import { toCsv } from '../common/http/csv';
import { ShowError } from '../shows/shows.errors';
import { refuseImpossibleSeats, Verdict, verdictsOf } from './verdicts';

@Injectable()
export class BookingsService {
  private readonly batcher: BookingBatcher<Verdict>;
  private readonly limit: number;
  private readonly refundCutoffMinutes: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: Metrics,
    private readonly fullShows: FullShows,
    private readonly mail: BookingMail,
    private readonly orders: OrdersService,
    private readonly jobs: Jobs,
  ) {
    this.limit = config.booking.maxBookedSeatsPerShow;
    this.refundCutoffMinutes = config.payments.refundCutoffMinutes;
    // Leave connections for everything else (cancels, holds, reads, health) while batches run.
    const maxInFlight = Math.max(1, config.database.poolSize - 2);
    this.batcher = new BookingBatcher<Verdict>((batch) => this.bookBatch(batch), maxInFlight);
  }

  /**
   * Books every requested seat or none, in one statement shared with the other
   * requests of its batch (BOOK_SEATS, see BookingBatcher), which decides by the
   * seat rules and names its refusal; the change is announced after commit.
   * Even if the code were wrong, bookings_one_active_per_seat rejects a second
   * active booking of a seat and seats_booked_or_held a seat both booked and held.
   */
  async book(user: AuthUser, showId: number, seatNumbers: number[], customerEmail: string | null = null): Promise<BookingResponse[]> {
    const now = this.clock.now();
    // A sell-out's late requests: the database said the show is full, and nothing changed since.
    const full = this.fullShows.refusal(showId, seatNumbers, now);
    if (full) {
      this.metrics.bookingsRefused.inc({ code: full.refusal });
      throw refusalError(full);
    }
    await refuseImpossibleSeats(this.db, showId, seatNumbers, now);
    let verdict: Verdict;
    try {
      verdict = await this.batcher.submit(user.id, showId, seatNumbers);
    } catch (error) {
      // Only reachable if the lock were skipped: the unique index is the last line of defence.
      if (pgConstraint(error) === 'bookings_one_active_per_seat') throw BookingError.taken(seatNumbers);
      throw error;
    }
    if (verdict.refused?.refusal === 'PAYMENT_REQUIRED' && (user.role === 'admin' || user.role === 'staff')) {
      // A sale at the box office: paid at the desk, as an order of its own.
      verdict = { bookings: await this.orders.sellAtBoxOffice(user, showId, seatNumbers, customerEmail) };
    }
    if (verdict.refused) {
      this.metrics.bookingsRefused.inc({ code: verdict.refused.refusal });
      throw refusalError(verdict.refused);
    }
    this.metrics.bookingsCreated.inc(verdict.bookings.length);
    return verdict.bookings.map(toBooking);
  }

  /** Runs one batch as one booking statement (after its customers' locks) and hands every request its verdict. */
  private async bookBatch(batch: BatchedRequest<Verdict>[]): Promise<void> {
    const now = this.clock.now();
    this.metrics.batchSize.observe(batch.length);
    const columns: [number[], number[], number[], number[]] = [[], [], [], []];
    batch.forEach((request, index) => {
      for (const seat of request.seats) {
        columns[0].push(index);
        columns[1].push(request.userId);
        columns[2].push(request.showId);
        columns[3].push(seat);
      }
    });
    const stamps = new Map(batch.map((request) => [request.showId, this.fullShows.stamp(request.showId)]));
    let rows: BookSeatsRow[];
    try {
      // BOOK_SEATS adds each request's confirmation message itself: sent if and only if its bookings commit.
      await this.mail.confirmationsReady();
      rows = await this.db.transaction(async (tx) => {
        await tx.rows(LOCK_CUSTOMER_SHOWS, batch.map((r) => r.userId), batch.map((r) => r.showId));
        return tx.rows(BOOK_SEATS, ...columns, now, this.limit, null);
      });
    } catch (error) {
      if (batch.length === 1) throw error;
      // The statement failed as a whole (a lock timeout, a lost connection...): run each request on
      // its own, so only the request that meets the problem gets the error.
      await Promise.all(batch.map((request) => this.bookBatch([request]).catch((failure) => request.reject(failure))));
      return;
    }
    verdictsOf(rows, batch.length, this.limit).forEach((verdict, index) => {
      const { showId } = batch[index];
      if (verdict.refused?.refusal === 'SHOW_FULL') void this.fullShows.provenFull(showId, stamps.get(showId)!).catch(() => undefined);
      batch[index].resolve(verdict);
    });
  }

  /**
   * Cancels the booking if the caller may (its owner; see may-act.ts) and it
   * still can be; CANCEL_BOOKING decides on the locked rows and names its
   * refusal, and frees the seat, announced after commit.
   */
  async cancel(user: AuthUser, bookingId: number): Promise<BookingResponse> {
    const now = this.clock.now();
    await this.jobs.ready(REFUND_PAYOUT);
    const row = await this.db.transaction(async (tx) => {
      // Lock 0: a paid seat's order, whose refund comes with the cancel.
      await tx.rows(LOCK_BOOKING_ORDER, bookingId);
      const [decided] = await tx.rows(CANCEL_BOOKING, bookingId, now, ...actingAs(user, 'cancel-booking'), this.refundCutoffMinutes);
      if (isCancelled(decided)) {
        await tx.rows(REFUND_CANCELLED_BOOKING, decided.id, now, decided.user_id === user.id ? 'CUSTOMER_CANCELLED' : 'ADMIN_CANCELLED');
        await this.mail.cancelled(tx, decided.id);
      }
      return decided;
    });
    if (!isCancelled(row)) throw refusalError(row);
    this.metrics.bookingsCancelled.inc();
    return toBooking(row);
  }

  async listForUser(userId: number, query: MyBookingsQuery): Promise<Page<MyBookingResponse>> {
    const status = query.status ?? null;
    const showId = query.show_id ?? null;
    const [items, [{ total }]] = await Promise.all([
      this.db.rows(MY_BOOKINGS, userId, status, showId, query.limit, query.offset),
      this.db.rows(COUNT_MY_BOOKINGS, userId, status, showId),
    ]);
    return new Page(items.map(toMyBooking), total);
  }

  /** A page of a show's bookings, for its staff; SHOW_NOT_FOUND when there is no such show. */
  async listForShow(showId: number, query: ShowBookingsQuery): Promise<Page<ShowBookingResponse>> {
    const status = query.status ?? null;
    const [items, counted] = await Promise.all([
      this.db.rows(SHOW_BOOKINGS, showId, status, query.limit, query.offset),
      this.db.rows(COUNT_SHOW_BOOKINGS, showId, status),
    ]);
    if (counted.length === 0) throw new ShowError('SHOW_NOT_FOUND');
    return new Page(items.map(toShowBooking), counted[0].total);
  }

  /** Every booking of a show (no page) as CSV, the same rows and fields as listForShow. */
  async csvForShow(showId: number, status: 'booked' | 'cancelled' | null): Promise<string> {
    const [items, counted] = await Promise.all([this.db.rows(SHOW_BOOKINGS, showId, status, null, 0), this.db.rows(COUNT_SHOW_BOOKINGS, showId, status)]);
    if (counted.length === 0) throw new ShowError('SHOW_NOT_FOUND');
    return toCsv(SHOW_BOOKING_COLUMNS, items.map(toShowBooking));
  }
}
