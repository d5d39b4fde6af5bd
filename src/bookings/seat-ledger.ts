import { QueryRunner } from 'typeorm';
import { Seat } from '../shows/entities/seat.entity';
import { ShowNotFoundError, ShowStartedError } from '../shows/shows.errors';
import { BookingError } from './bookings.errors';
import { BookingResponse } from './dto/booking.dto';

/** The largest seat number any show can have; also keeps wild numbers away from int4 parameters. */
export const MAX_SEAT_NUMBER = 2000;

export const BOOKING_COLUMNS = 'id, user_id, show_id, seat_number, status, created_at, cancelled_at';

export interface LockedSeat {
  seat_number: number;
  booking_id: number | null;
  hold_id: number | null;
  held_by: number | null;
  hold_expires_at: Date | null;
  date_time: Date;
  total_seats: number;
}

/** A seat's state as locked; hold_expires_at is a string when it came through JSON. */
export type SeatState = Pick<LockedSeat, 'seat_number' | 'booking_id' | 'hold_id' | 'held_by'> & {
  hold_expires_at: Date | string | null;
};

/**
 * Locks seat rows and writes bookings: the steps bookings and holds share.
 * Every writer locks seat rows in seat order (here, in BOOK_SEATS_BATCH_SQL, and in
 * the show, release and expiry paths), so two requests over overlapping seats
 * queue instead of deadlocking.
 */
export class SeatLedger {
  /**
   * pessimistic_write (FOR UPDATE) on the seat rows only: the narrowest lock that
   * keeps the rules, since bookings of other seats of the same show never wait.
   * Then checks that the show exists, every seat is in range and the show has
   * not started, on the locked (latest committed) rows.
   */
  static async lockSellableSeats(runner: QueryRunner, showId: number, seatNumbers: number[], now: Date): Promise<LockedSeat[]> {
    const outOfRange = seatNumbers.filter((n) => n < 1 || n > MAX_SEAT_NUMBER);
    const candidates = seatNumbers.filter((n) => n >= 1 && n <= MAX_SEAT_NUMBER);
    const seats = await runner.manager
      .createQueryBuilder(Seat, 's')
      .select(['s.seat_number AS seat_number', 's.booking_id AS booking_id', 's.hold_id AS hold_id'])
      .addSelect(['s.held_by AS held_by', 's.hold_expires_at AS hold_expires_at'])
      .addSelect(['sh.date_time AS date_time', 'sh.total_seats AS total_seats'])
      .innerJoin('shows', 'sh', 'sh.id = s.show_id')
      .where('s.show_id = :showId AND s.seat_number = ANY(:candidates)', { showId, candidates })
      .orderBy('s.seat_number')
      .setLock('pessimistic_write', undefined, ['s'])
      .getRawMany<LockedSeat>();
    if (seats.length === 0) {
      const [show] = await runner.query(`SELECT total_seats FROM shows WHERE id = $1`, [showId]);
      if (!show) throw new ShowNotFoundError();
      throw BookingError.outOfRange(seatNumbers, show.total_seats);
    }
    const found = new Set(seats.map((s) => s.seat_number));
    const missing = [...outOfRange, ...candidates.filter((n) => !found.has(n))];
    if (missing.length > 0) throw BookingError.outOfRange(missing.sort((a, b) => a - b), seats[0].total_seats);
    if (seats[0].date_time.getTime() <= now.getTime()) {
      throw new ShowStartedError('The show has already started; its seats can no longer be sold or held.');
    }
    return seats;
  }

  /** Whether any seat of the show is not booked (SEAT_TAKEN rather than SHOW_FULL). */
  static async hasUnbookedSeat(runner: QueryRunner, showId: number): Promise<boolean> {
    const [row] = await runner.query(`SELECT EXISTS (SELECT 1 FROM seats WHERE show_id = $1 AND booking_id IS NULL) AS unbooked`, [
      showId,
    ]);
    return row.unbooked;
  }

  /**
   * The error for locked seats that cannot be had, or undefined when all can: a
   * booked seat makes it 409 SHOW_FULL when every seat of the show is booked,
   * else SEAT_TAKEN; only held ones, SEAT_HELD. Either way `seats` lists every
   * requested seat that is unavailable. A seat held by `userId` counts as free.
   */
  static async unavailableError(
    seats: SeatState[],
    now: Date,
    userId: number | undefined,
    hasUnbookedSeat: () => Promise<boolean>,
  ): Promise<BookingError | undefined> {
    const isHeld = (s: SeatState) =>
      s.booking_id === null && s.hold_id !== null && s.held_by !== userId && new Date(s.hold_expires_at as Date | string) > now;
    const booked = seats.filter((s) => s.booking_id !== null);
    const unavailable = seats.filter((s) => s.booking_id !== null || isHeld(s)).map((s) => s.seat_number);
    if (unavailable.length === 0) return undefined;
    if (booked.length > 0) return (await hasUnbookedSeat()) ? BookingError.taken(unavailable) : BookingError.showFull(unavailable);
    return BookingError.held(unavailable);
  }

  /** One statement: insert the bookings and point the seats at them, clearing any hold. */
  static bookLockedSeats(
    runner: QueryRunner,
    userId: number,
    showId: number,
    seatNumbers: number[],
    now: Date,
  ): Promise<BookingResponse[]> {
    return runner.query(
      `WITH created AS (
         INSERT INTO bookings (user_id, show_id, seat_number, status, created_at)
         SELECT $1, $2, n, 'booked', $4 FROM unnest($3::int[]) AS n
         RETURNING ${BOOKING_COLUMNS}
       ), seated AS (
         UPDATE seats s SET booking_id = c.id, hold_id = NULL, held_by = NULL, hold_expires_at = NULL
           FROM created c
          WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number
       )
       SELECT c.* FROM created c ORDER BY c.seat_number`,
      [userId, showId, seatNumbers, now],
    );
  }
}
