import { Inject, Injectable } from '@nestjs/common';
import { actingAs } from '../../common/access/may-act';
import { Clock } from '../../common/clock';
import { AuthUser } from '../../common/decorators/auth.decorators';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Metrics } from '../../metrics/metrics';
import { Database } from '../../database/database';
import { refuseImpossibleSeats, verdictsOf } from '../verdicts';
import { BookingResponse } from '../dto/booking.dto';
import { Page, ShowFilterQuery } from '../../common/http/pagination';
import { BookingMail } from '../booking-mail';
import { refusalError } from '../refusals';
import { BOOK_SEATS, LOCK_CUSTOMER_SHOWS } from '../sql/book-seats';
import { toBooking } from '../sql/booking-row';
import { HoldResponse } from './hold.dto';
import { EXPIRE_DUE_HOLDS, LOCK_HOLD_TO_CONFIRM, LOCK_HOLDER_SHOW, MARK_HOLD_CONFIRMED, LOCK_HOLD_ORDER, RELEASE_HOLD, SHARE_HOLD_SHOW } from './sql/end-holds';
import { HOLD_SEATS, LOCK_ADDRESS_SHOW, SHARE_SHOW } from './sql/hold-seats';
import { toHold } from './sql/hold-row';
import { COUNT_MY_HOLDS, MY_HOLDS } from './sql/my-holds';

@Injectable()
export class HoldsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly mail: BookingMail,
  ) {}

  /**
   * Holds seats for HOLD_TTL_SECONDS, decided by the same seat rules as a
   * booking, then by what keeps one customer or one address from taking a show
   * hostage: the customer's and the address's share of the show, and the
   * cooldown on seats they just gave back (HOLD_SEATS).
   */
  async hold(user: AuthUser, showId: number, seatNumbers: number[], clientIp: string): Promise<HoldResponse> {
    const now = this.clock.now();
    await refuseImpossibleSeats(this.db, showId, seatNumbers, now);
    const { holdTtlSeconds, maxHeldSeatsPerShow: limit, maxHeldSeatsPerIp, maxHeldSharePerIpPercent, holdCooldownSeconds } = this.config.booking;
    const expiresAt = new Date(now.getTime() + holdTtlSeconds * 1000);
    const cooldownSince = new Date(now.getTime() - holdCooldownSeconds * 1000);
    const hold = await this.db.transaction(async (tx) => {
      await tx.rows(LOCK_CUSTOMER_SHOWS, [user.id], [showId]);
      await tx.rows(LOCK_ADDRESS_SHOW, showId, clientIp);
      await tx.rows(SHARE_SHOW, showId);
      const [row] = await tx.rows(HOLD_SEATS, user.id, showId, seatNumbers, now, expiresAt, limit, clientIp, maxHeldSeatsPerIp, maxHeldSharePerIpPercent, cooldownSince);
      if (row.id === null) throw refusalError({ ...row, refusal: row.refusal!, limit, now });
      return toHold(row);
    });
    this.metrics.holds.inc({ event: 'created' });
    return hold;
  }

  /**
   * Turns an active hold into bookings. The hold row is locked first (after
   * lock 1 of the holder and the show, and the show's key-share lock 2), and LOCK_HOLD_TO_CONFIRM says on it
   * whether the caller may confirm it, so two confirmations of one hold run
   * one after the other and the second finds it confirmed: never two
   * bookings. The seats are booked by the booking statement itself, for the
   * holder, whose own held seats count as free.
   */
  async confirm(user: AuthUser, holdId: number): Promise<BookingResponse[]> {
    const now = this.clock.now();
    // BOOK_SEATS adds the confirmation message of the bookings it makes.
    await this.mail.confirmationsReady();
    const bookings = await this.db.transaction(async (tx) => {
      // Lock 1 first: the booking cap counts the holder's bookings of the show exactly.
      await tx.rows(LOCK_HOLDER_SHOW, holdId);
      // Lock 2: a cancellation of the show is either committed, and seen, or waits for us.
      await tx.rows(SHARE_HOLD_SHOW, holdId);
      const [hold] = await tx.rows(LOCK_HOLD_TO_CONFIRM, holdId, now, ...actingAs(user, 'confirm-hold'));
      if (hold.refusal !== null) throw refusalError(hold);
      const seats = hold.seat_numbers;
      const limit = this.config.booking.maxBookedSeatsPerShow;
      const rows = await tx.rows(BOOK_SEATS, seats.map(() => 0), seats.map(() => hold.user_id), seats.map(() => hold.show_id), seats, now, limit, null);
      const [verdict] = verdictsOf(rows, 1, limit);
      if (verdict.refused) {
        this.metrics.bookingsRefused.inc({ code: verdict.refused.refusal });
        throw refusalError(verdict.refused);
      }
      await tx.rows(MARK_HOLD_CONFIRMED, hold.id);
      return verdict.bookings.map(toBooking);
    });
    this.metrics.holds.inc({ event: 'confirmed' });
    this.metrics.bookingsCreated.inc(bookings.length);
    return bookings;
  }

  /**
   * Releasing is idempotent for holds that already ended; a confirmed hold
   * cannot be released (cancel the bookings). RELEASE_HOLD decides on the
   * locked hold and says how it ended, if it did now.
   */
  async release(user: AuthUser, holdId: number): Promise<void> {
    const now = this.clock.now();
    const row = await this.db.transaction(async (tx) => {
      await tx.rows(LOCK_HOLD_ORDER, holdId);
      return (await tx.rows(RELEASE_HOLD, holdId, now, ...actingAs(user, 'release-hold')))[0];
    });
    if (row.refusal !== null) throw refusalError({ refusal: row.refusal });
    if (row.ended) this.metrics.holds.inc({ event: row.ended });
  }

  /**
   * Marks holds past their expiry as expired and frees their seats, so stream
   * clients see the seats come back. Correctness never waits for this: the
   * seat rules already ignore expired holds. Safe to run on every instance at once.
   */
  async expireDue(): Promise<number> {
    const rows = await this.db.rows(EXPIRE_DUE_HOLDS, this.clock.now());
    const expired = rows[0]?.expired ?? 0;
    if (expired > 0) this.metrics.holds.inc({ event: 'expired' }, expired);
    return expired;
  }

  /** The customer's holds that still keep their seats (a checkout page resumes from them after a reload). */
  async listForUser(userId: number, query: ShowFilterQuery): Promise<Page<HoldResponse>> {
    const now = this.clock.now();
    const showId = query.show_id ?? null;
    const [items, [{ total }]] = await Promise.all([
      this.db.rows(MY_HOLDS, now, userId, showId, query.limit, query.offset),
      this.db.rows(COUNT_MY_HOLDS, now, userId, showId),
    ]);
    return new Page(items.map(toHold), total);
  }
}
