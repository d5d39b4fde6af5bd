import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../../common/clock';
import { inTransaction } from '../../common/database/transaction';
import { AuthUser } from '../../common/decorators/auth.decorators';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SeatEventsService } from '../../seat-events/seat-events.service';
import { BookingError } from '../bookings.errors';
import { BookingResponse } from '../dto/booking.dto';
import { SeatLedger } from '../seat-ledger';
import { HoldResponse } from './hold.dto';
import { HoldError, HoldErrorCode } from './holds.errors';

const HOLD_COLUMNS = 'id, user_id, show_id, seat_numbers, status, expires_at';

interface LockedHold {
  id: number;
  user_id: number;
  show_id: number;
  seat_numbers: number[];
  status: 'active' | 'confirmed' | 'released' | 'expired';
  expires_at: Date;
}

@Injectable()
export class HoldsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: SeatEventsService,
  ) {}

  /**
   * Holds seats for HOLD_TTL_SECONDS. Same seat locks as a booking; a per
   * (user, show) advisory lock makes the hold limit exact when one customer
   * fires several holds at once.
   */
  async hold(user: AuthUser, showId: number, seatNumbers: number[]): Promise<HoldResponse> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.booking.holdTtlSeconds * 1000);
    const limit = this.config.booking.maxHeldSeatsPerShow;
    const created = await inTransaction(this.dataSource, async (runner): Promise<HoldResponse> => {
      await runner.query(`SELECT pg_advisory_xact_lock($1, $2)`, [user.id, showId]);
      // The show row before its seats, the order show updates and deletes use: inserting the hold
      // would take this key-share lock anyway (its foreign key), but only after the seat locks.
      await runner.query(`SELECT 1 FROM shows WHERE id = $1 FOR KEY SHARE`, [showId]);
      const seats = await SeatLedger.lockSellableSeats(runner, showId, seatNumbers, now);
      const refusal = await SeatLedger.unavailableError(seats, now, undefined, () => SeatLedger.hasUnbookedSeat(runner, showId));
      if (refusal) throw refusal;
      const [{ count }] = await runner.query(
        `SELECT count(*)::int AS count FROM seats
          WHERE held_by = $1 AND show_id = $2 AND hold_id IS NOT NULL AND hold_expires_at > $3`,
        [user.id, showId, now],
      );
      if (count + seatNumbers.length > limit) throw HoldError.limitExceeded(limit, count);
      const [hold] = await runner.query(
        `WITH created AS (
           INSERT INTO holds (user_id, show_id, seat_numbers, created_at, expires_at)
           VALUES ($1, $2, $3::int[], $4, $5) RETURNING ${HOLD_COLUMNS}
         ), marked AS (
           UPDATE seats s SET hold_id = c.id, held_by = c.user_id, hold_expires_at = c.expires_at
             FROM created c WHERE s.show_id = c.show_id AND s.seat_number = ANY(c.seat_numbers)
         )
         SELECT c.* FROM created c`,
        [user.id, showId, seats.map((s) => s.seat_number), now, expiresAt],
      );
      return hold;
    });
    this.events.publish({ show_id: showId, status: 'held', seats: created.seat_numbers });
    return created;
  }

  /**
   * Turns an active hold into bookings. The hold row is locked first, so two
   * confirmations of one hold run one after the other and the second finds it
   * confirmed: never two bookings.
   */
  async confirm(user: AuthUser, holdId: number): Promise<BookingResponse[]> {
    const now = this.clock.now();
    const bookings = await inTransaction(this.dataSource, async (runner) => {
      const hold = await this.lockOwnHold(runner, user, holdId);
      if (hold.status === 'confirmed') throw new HoldError(HoldErrorCode.HOLD_ALREADY_CONFIRMED);
      if (hold.status === 'released') throw new HoldError(HoldErrorCode.HOLD_RELEASED);
      if (hold.status === 'expired' || hold.expires_at.getTime() <= now.getTime()) throw new HoldError(HoldErrorCode.HOLD_EXPIRED);
      const seats = await SeatLedger.lockSellableSeats(runner, hold.show_id, hold.seat_numbers, now);
      const lost = seats.filter((s) => s.hold_id !== hold.id).map((s) => s.seat_number);
      if (lost.length > 0) throw BookingError.taken(lost);
      const bookings = await SeatLedger.bookLockedSeats(runner, hold.user_id, hold.show_id, hold.seat_numbers, now);
      await runner.query(`UPDATE holds SET status = 'confirmed' WHERE id = $1`, [hold.id]);
      return bookings;
    });
    this.events.publish({ show_id: bookings[0].show_id, status: 'booked', seats: bookings.map((b) => b.seat_number) });
    return bookings;
  }

  /** Releasing is idempotent for holds that already ended; a confirmed hold cannot be released (cancel the bookings). */
  async release(user: AuthUser, holdId: number): Promise<void> {
    const now = this.clock.now();
    const freed = await inTransaction(this.dataSource, async (runner) => {
      const hold = await this.lockOwnHold(runner, user, holdId);
      if (hold.status === 'confirmed') throw new HoldError(HoldErrorCode.HOLD_ALREADY_CONFIRMED);
      if (hold.status !== 'active') return undefined;
      const expired = hold.expires_at.getTime() <= now.getTime();
      const [{ seats }] = await runner.query(
        `WITH ended AS (
           UPDATE holds SET status = $2 WHERE id = $1 RETURNING show_id
         ), locked AS (
           SELECT show_id, seat_number FROM seats WHERE hold_id = $1 ORDER BY seat_number FOR UPDATE
         ), freed AS (
           UPDATE seats s SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL
             FROM locked l WHERE s.show_id = l.show_id AND s.seat_number = l.seat_number AND s.hold_id = $1
           RETURNING s.seat_number
         )
         SELECT (SELECT count(*) FROM ended)::int AS ended, ARRAY(SELECT seat_number FROM freed ORDER BY 1) AS seats`,
        [hold.id, expired ? 'expired' : 'released'],
      );
      return { show_id: hold.show_id, seats: seats as number[] };
    });
    if (freed && freed.seats.length > 0) this.events.publish({ show_id: freed.show_id, status: 'available', seats: freed.seats });
  }

  /**
   * Marks holds past their expiry as expired, frees their seat rows and NOTIFYs,
   * so stream clients see the seats come back. Correctness never waits for this:
   * readers already ignore expired holds. Safe to run on every instance at once.
   */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    const [{ expired, freed }]: { expired: number; freed: { show_id: number; seats: number[] }[] }[] = await this.dataSource.query(
      `WITH due AS (
         SELECT id, show_id, seat_numbers FROM holds
          WHERE status = 'active' AND expires_at <= $1
          ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
       ), ended AS (
         UPDATE holds h SET status = 'expired' FROM due WHERE h.id = due.id RETURNING h.id
       ), locked AS (
         SELECT s.show_id, s.seat_number, s.hold_id FROM seats s JOIN due ON s.hold_id = due.id
          ORDER BY s.show_id, s.seat_number FOR UPDATE OF s
       ), freed AS (
         UPDATE seats s SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL
           FROM locked l WHERE s.show_id = l.show_id AND s.seat_number = l.seat_number AND s.hold_id = l.hold_id
       )
       SELECT (SELECT count(*) FROM ended)::int AS expired,
              coalesce((SELECT json_agg(json_build_object('show_id', show_id, 'seats', seats))
                          FROM (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM locked GROUP BY show_id) g),
                       '[]') AS freed`,
      [now],
    );
    for (const { show_id, seats } of freed) this.events.publish({ show_id, status: 'available', seats });
    return expired;
  }

  private async lockOwnHold(runner: QueryRunner, user: AuthUser, holdId: number): Promise<LockedHold> {
    const [hold]: LockedHold[] = await runner.query(`SELECT ${HOLD_COLUMNS} FROM holds WHERE id = $1 FOR UPDATE`, [holdId]);
    if (!hold) throw new HoldError(HoldErrorCode.HOLD_NOT_FOUND);
    if (hold.user_id !== user.id && user.role !== 'admin') throw new HoldError(HoldErrorCode.NOT_HOLD_OWNER);
    return hold;
  }
}
