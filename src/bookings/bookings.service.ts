import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { inTransaction } from '../common/database/transaction';
import { AuthUser } from '../common/decorators/auth.decorators';
import { pgConstraint } from '../common/errors/pg-errors';
import { Page } from '../common/http/pagination';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { ShowNotFoundError, ShowStartedError } from '../shows/shows.errors';
import { BookingError } from './bookings.errors';
import { BookingResponse, MyBookingResponse, MyBookingsQuery } from './dto/booking.dto';
import { Booking } from './entities/booking.entity';
import { BatchedRequest, BookingBatcher } from './booking-batcher';
import { BOOK_SEATS_BATCH_SQL, BookSeatsFailure } from './book-seats.sql';
import { BOOKING_COLUMNS, MAX_SEAT_NUMBER, SeatLedger } from './seat-ledger';

type BatchRow = BookingResponse & { req: number; failure: BookSeatsFailure | null };
interface BatchOutcome {
  rows: BatchRow[];
  now: Date;
}

@Injectable()
export class BookingsService {
  private readonly batcher: BookingBatcher<BatchOutcome>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: SeatEventsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Leave connections for everything else (cancels, holds, reads, health) while batches run.
    const maxInFlight = Math.max(1, config.database.poolSize - 2);
    this.batcher = new BookingBatcher<BatchOutcome>((batch) => this.bookBatch(batch), maxInFlight);
  }

  /**
   * Books every requested seat or none, in one statement shared with the other
   * requests of its batch (BOOK_SEATS_BATCH_SQL, see BookingBatcher): lock the
   * seat rows in (show, seat) order, check show, range, start time and
   * availability on the locked rows, insert the bookings; the change is
   * announced after commit. A booked seat is
   * SEAT_TAKEN (SHOW_FULL when nothing is left), a seat another customer holds is
   * SEAT_HELD; the caller's own held seats may be booked directly. Even if this
   * code were wrong, bookings_one_active_per_seat rejects a second active booking
   * of a seat and seats_booked_or_held a seat both booked and held.
   */
  async book(user: AuthUser, showId: number, seatNumbers: number[]): Promise<BookingResponse[]> {
    if (seatNumbers.some((n) => n < 1 || n > MAX_SEAT_NUMBER)) return this.bookStepByStep(user, showId, seatNumbers, this.clock.now());
    let outcome: BatchOutcome;
    try {
      outcome = await this.batcher.submit(user.id, showId, seatNumbers);
    } catch (error) {
      // Only reachable if the lock were skipped: the unique index is the last line of defence.
      if (pgConstraint(error) === 'bookings_one_active_per_seat') throw BookingError.taken(seatNumbers);
      throw error;
    }
    const failure = outcome.rows[0]?.failure;
    if (!failure) {
      this.events.publish({ show_id: showId, status: 'booked', seats: seatNumbers });
      return outcome.rows.map(({ failure: _failure, req: _req, ...booking }) => booking);
    }
    throw await this.refusal(user, showId, seatNumbers, failure, outcome.now);
  }

  /**
   * Runs one batch (BOOK_SEATS_BATCH_SQL) on the QueryRunner's own connection as
   * a named prepared statement, and hands every request its own rows.
   */
  private async bookBatch(batch: BatchedRequest<BatchOutcome>[]): Promise<void> {
    const now = this.clock.now();
    const columns: [number[], number[], number[], number[]] = [[], [], [], []];
    batch.forEach((request, index) => {
      for (const seat of request.seats) {
        columns[0].push(index);
        columns[1].push(request.userId);
        columns[2].push(request.showId);
        columns[3].push(seat);
      }
    });
    const runner = this.dataSource.createQueryRunner();
    let rows: BatchRow[] = [];
    let failed: { error: unknown } | undefined;
    try {
      const connection = await runner.connect();
      ({ rows } = await connection.query({ name: 'book-seats-batch', text: BOOK_SEATS_BATCH_SQL, values: [...columns, now] }));
    } catch (error) {
      failed = { error };
    } finally {
      await runner.release();
    }
    if (failed) {
      if (batch.length === 1) throw failed.error;
      // The statement failed as a whole (a lock timeout, a lost connection...): run each request on
      // its own, so only the request that meets the problem gets the error.
      await Promise.all(batch.map((request) => this.bookBatch([request]).catch((error) => request.reject(error))));
      return;
    }
    const byRequest = batch.map((): BatchRow[] => []);
    for (const row of rows) byRequest[row.req].push(row);
    batch.forEach((request, index) => request.resolve({ rows: byRequest[index], now }));
  }

  /** Names the error from what the refused statement had locked; the order of checks is the documented one. */
  private async refusal(user: AuthUser, showId: number, requested: number[], failure: BookSeatsFailure, now: Date) {
    if (!failure.show) return new ShowNotFoundError();
    const found = new Set(failure.seats.map((s) => s.seat_number));
    const missing = requested.filter((n) => !found.has(n)).sort((a, b) => a - b);
    if (missing.length > 0) return BookingError.outOfRange(missing, failure.show.total_seats);
    if (new Date(failure.show.date_time).getTime() <= now.getTime()) {
      return new ShowStartedError('The show has already started; its seats can no longer be sold or held.');
    }
    const error = await SeatLedger.unavailableError(failure.seats, now, user.id, async () => failure.unbooked);
    // The statement refused, yet nothing explains why: only if seats changed since; the client may retry.
    return error ?? BookingError.taken(requested);
  }

  /** The general path, for requests the one-statement path cannot take (numbers no show can have). */
  private async bookStepByStep(user: AuthUser, showId: number, seatNumbers: number[], now: Date): Promise<BookingResponse[]> {
    const bookings = await inTransaction(this.dataSource, async (runner) => {
      const seats = await SeatLedger.lockSellableSeats(runner, showId, seatNumbers, now);
      const refusal = await SeatLedger.unavailableError(seats, now, user.id, () => SeatLedger.hasUnbookedSeat(runner, showId));
      if (refusal) throw refusal;
      return SeatLedger.bookLockedSeats(runner, user.id, showId, seats.map((s) => s.seat_number), now);
    });
    this.events.publish({ show_id: showId, status: 'booked', seats: seatNumbers });
    return bookings;
  }

  /** The ownership guard has checked already; the check is repeated on the locked row, which is the one that counts. */
  async cancel(user: AuthUser, bookingId: number): Promise<BookingResponse> {
    const now = this.clock.now();
    const cancelled = await inTransaction(this.dataSource, async (runner) => {
      const booking = await runner.manager
        .createQueryBuilder(Booking, 'b')
        .select(['b.user_id AS user_id', 'b.status AS status', 'sh.date_time AS date_time'])
        .innerJoin('shows', 'sh', 'sh.id = b.show_id')
        .where('b.id = :bookingId', { bookingId })
        .setLock('pessimistic_write', undefined, ['b'])
        .getRawOne<{ user_id: number; status: string; date_time: Date }>();
      if (!booking) throw BookingError.notFound();
      if (booking.user_id !== user.id && user.role !== 'admin') throw BookingError.notOwner();
      if (booking.status === 'cancelled') throw BookingError.alreadyCancelled();
      if (booking.date_time.getTime() <= now.getTime()) {
        throw new ShowStartedError('The show has already started; the booking can no longer be cancelled.');
      }
      const [row]: BookingResponse[] = await runner.query(
        `WITH cancelled AS (
           UPDATE bookings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1
           RETURNING ${BOOKING_COLUMNS}
         ), freed AS (
           UPDATE seats s SET booking_id = NULL FROM cancelled c
            WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number AND s.booking_id = c.id
         )
         SELECT c.* FROM cancelled c`,
        [bookingId, now],
      );
      return row;
    });
    this.events.publish({ show_id: cancelled.show_id, status: 'available', seats: [cancelled.seat_number] });
    return cancelled;
  }

  async ownerOf(bookingId: number): Promise<number | undefined> {
    const [row] = await this.dataSource.query(`SELECT user_id FROM bookings WHERE id = $1`, [bookingId]);
    return row?.user_id;
  }

  async listForUser(userId: number, query: MyBookingsQuery): Promise<Page<MyBookingResponse>> {
    const status = query.status ?? null;
    const [items, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT b.id, b.user_id, b.show_id, b.seat_number, b.status, b.created_at, b.cancelled_at,
                m.title AS movie_title, sh.screen_name, sh.date_time
           FROM bookings b JOIN shows sh ON sh.id = b.show_id JOIN movies m ON m.id = sh.movie_id
          WHERE b.user_id = $1 AND ($2::text IS NULL OR b.status = $2)
          ORDER BY b.created_at DESC, b.id DESC LIMIT $3 OFFSET $4`,
        [userId, status, query.limit, query.offset],
      ),
      this.dataSource.query(
        `SELECT count(*)::int AS total FROM bookings WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)`,
        [userId, status],
      ),
    ]);
    return new Page(items, total);
  }
}
