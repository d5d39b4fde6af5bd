import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../common/clock';
import { AuthUser } from '../common/decorators/auth.decorators';
import { pgConstraint } from '../common/errors/pg-errors';
import { Page } from '../common/http/pagination';
import { Seat } from '../shows/entities/seat.entity';
import { ShowNotFoundError, ShowStartedError } from '../shows/shows.errors';
import { BookingError } from './bookings.errors';
import { BookingResponse, MyBookingResponse, MyBookingsQuery } from './dto/booking.dto';
import { Booking } from './entities/booking.entity';

/** The largest seat number any show can have; also keeps wild numbers away from int4 parameters. */
const MAX_SEAT_NUMBER = 2000;

interface LockedSeat {
  seat_number: number;
  booking_id: number | null;
  date_time: Date;
  total_seats: number;
}

const BOOKING_COLUMNS = 'id, user_id, show_id, seat_number, status, created_at, cancelled_at';

@Injectable()
export class BookingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Books every requested seat or none, in one READ COMMITTED transaction:
   * 1. lock the seat rows (pessimistic_write = FOR UPDATE), in seat order so two
   *    overlapping requests queue instead of deadlocking. The seat row is the
   *    narrowest thing whose lock keeps the rules true: bookings of other seats
   *    of the same show never wait for each other;
   * 2. check range, start time and availability on the locked (latest) rows;
   * 3. insert the bookings and point the seats at them in one statement.
   * Even if this code were wrong, bookings_one_active_per_seat rejects a second
   * active booking of a seat, and the seats rows bound a show to total_seats.
   */
  async book(user: AuthUser, showId: number, seatNumbers: number[]): Promise<BookingResponse[]> {
    const now = this.clock.now();
    const outOfRange = seatNumbers.filter((n) => n < 1 || n > MAX_SEAT_NUMBER);
    const candidates = seatNumbers.filter((n) => n >= 1 && n <= MAX_SEAT_NUMBER);
    const booking = this.inTransaction(async (runner) => {
      const seats = await this.lockSeats(runner, showId, candidates);
      if (seats.length === 0) {
        const [show] = await runner.query(`SELECT total_seats FROM shows WHERE id = $1`, [showId]);
        if (!show) throw new ShowNotFoundError();
        throw BookingError.outOfRange(seatNumbers, show.total_seats);
      }
      const found = new Set(seats.map((s) => s.seat_number));
      const missing = [...outOfRange, ...candidates.filter((n) => !found.has(n))];
      if (missing.length > 0) throw BookingError.outOfRange(missing.sort((a, b) => a - b), seats[0].total_seats);
      if (seats[0].date_time.getTime() <= now.getTime()) throw new ShowStartedError('The show has already started; it can no longer be booked.');

      const taken = seats.filter((s) => s.booking_id !== null).map((s) => s.seat_number);
      if (taken.length > 0) {
        throw (await this.hasFreeSeat(runner, showId)) ? BookingError.taken(taken) : BookingError.showFull(taken);
      }
      return runner.query(
        `WITH created AS (
           INSERT INTO bookings (user_id, show_id, seat_number, status, created_at)
           SELECT $1, $2, n, 'booked', $4 FROM unnest($3::int[]) AS n
           RETURNING ${BOOKING_COLUMNS}
         ), seated AS (
           UPDATE seats s SET booking_id = c.id FROM created c
            WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number
         )
         SELECT * FROM created ORDER BY seat_number`,
        [user.id, showId, seats.map((s) => s.seat_number), now],
      );
    });
    return booking.catch((error) => {
      // Only reachable if the lock above were skipped: the index is the last line of defence.
      if (pgConstraint(error) === 'bookings_one_active_per_seat') throw BookingError.taken(seatNumbers);
      throw error;
    });
  }

  /** The ownership guard has checked already; the check is repeated on the locked row, which is the one that counts. */
  async cancel(user: AuthUser, bookingId: number): Promise<BookingResponse> {
    const now = this.clock.now();
    return this.inTransaction(async (runner) => {
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
      const [cancelled] = await runner.query(
        `WITH cancelled AS (
           UPDATE bookings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1
           RETURNING ${BOOKING_COLUMNS}
         ), freed AS (
           UPDATE seats s SET booking_id = NULL FROM cancelled c
            WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number AND s.booking_id = c.id
         )
         SELECT * FROM cancelled`,
        [bookingId, now],
      );
      return cancelled;
    });
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

  private lockSeats(runner: QueryRunner, showId: number, seatNumbers: number[]): Promise<LockedSeat[]> {
    return runner.manager
      .createQueryBuilder(Seat, 's')
      .select(['s.seat_number AS seat_number', 's.booking_id AS booking_id'])
      .addSelect(['sh.date_time AS date_time', 'sh.total_seats AS total_seats'])
      .innerJoin('shows', 'sh', 'sh.id = s.show_id')
      .where('s.show_id = :showId AND s.seat_number = ANY(:seatNumbers)', { showId, seatNumbers })
      .orderBy('s.seat_number')
      .setLock('pessimistic_write', undefined, ['s'])
      .getRawMany<LockedSeat>();
  }

  private async hasFreeSeat(runner: QueryRunner, showId: number): Promise<boolean> {
    const [row] = await runner.query(`SELECT EXISTS (SELECT 1 FROM seats WHERE show_id = $1 AND booking_id IS NULL) AS free`, [
      showId,
    ]);
    return row.free;
  }

  private async inTransaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction('READ COMMITTED');
    try {
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
