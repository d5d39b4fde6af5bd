import { Inject, Injectable } from '@nestjs/common';
import { BookingMail } from '../bookings/booking-mail';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Jobs } from '../jobs/jobs';
import { REFUND_PAYOUT } from '../orders/order-jobs';
import { LOCK_SHOW_ORDERS, REFUND_SHOW_ORDERS } from '../orders/sql/refunds';
import { END_SHOW_HOLDS } from '../bookings/holds/sql/end-holds';
import { CANCEL_SHOW_BOOKINGS } from '../bookings/sql/cancel-booking';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors/app-error';
import { Page, PageQuery } from '../common/http/pagination';
import { Database } from '../database/database';
import { first, Queryable } from '../database/statement';
import { Metrics } from '../metrics/metrics';
import { MovieError } from '../movies/movies.errors';
import { GET_MOVIE, SHARE_MOVIE_DURATION } from '../movies/sql/movies';
import { ADD_LAID_OUT_SEAT_ROWS, ADD_SEAT_ROWS, LAY_OUT_SEAT_ROWS, LOCK_SHOW_SEATS, RELABEL_SEAT_ROWS, REMOVE_SEAT_ROWS } from '../seats/sql/seat-rows';
import { DEFAULT_CINEMA_ID } from '../cinemas/cinemas.service';
import { CinemaError } from '../cinemas/cinemas.errors';
import { GET_CINEMA } from '../cinemas/sql/cinemas';
import { defaultRows, planOf } from '../screens/plan';
import { ScreenError } from '../screens/screens.errors';
import { DELETE_PLAN, ENSURE_NAMED_SCREEN, GROW_SCREEN, LOCK_NAMED_SCREEN, LOCK_SCREEN_TO_GROW, planArrays, ScreenForShow, SHARE_SCREEN } from '../screens/sql/screens';
import { CreateShowDto, ShowResponse, ShowsOnDayQuery, UpdateShowDto } from './dto/show.dto';
import { screenBusyOnOverlap, ShowError, showHasBookings } from './shows.errors';
import { CANCEL_SHOW, SHOW_SHAPE, COUNT_SHOWS_OF_MOVIE, COUNT_SHOWS_ON_DAY, SHOWS_ON_DAY, DELETE_SHOW, GET_SHOW, INSERT_SHOW, LOCK_SHOW, LOCK_SHOW_HOLDS, SHOWS_OF_MOVIE, toShow, UPDATE_SHOW } from './sql/shows';

const ALREADY_CANCELLED = 'The show is already cancelled.';
const moveNeedsNotice = (booked: number, held: number) =>
  `The show has ${booked} booked and ${held} held ${booked + held === 1 ? 'seat' : 'seats'}: to move it, send "notify_customers": true, ` +
  'and each customer with a booking of it is e-mailed the new time.';

@Injectable()
export class ShowsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly mail: BookingMail,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: Jobs,
  ) {}

  async listForMovie(movieId: number, page: PageQuery): Promise<Page<ShowResponse>> {
    const [movie, items, [{ total }]] = await Promise.all([
      first(this.db, GET_MOVIE, movieId),
      this.db.rows(SHOWS_OF_MOVIE, this.clock.now(), movieId, page.limit, page.offset),
      this.db.rows(COUNT_SHOWS_OF_MOVIE, movieId),
    ]);
    if (!movie) throw new MovieError('MOVIE_NOT_FOUND');
    return new Page(
      items.map(toShow),
      total,
    );
  }

  /** The shows starting on a day (today when not given) in the cinema's own time zone. */
  async listDay(query: ShowsOnDayQuery): Promise<Page<ShowResponse>> {
    const cinemaId = query.cinema_id ?? DEFAULT_CINEMA_ID;
    const now = this.clock.now();
    const day = query.date ?? null;
    const [cinema, items, [{ total }]] = await Promise.all([
      first(this.db, GET_CINEMA, cinemaId),
      this.db.rows(SHOWS_ON_DAY, now, day, cinemaId, query.limit, query.offset),
      this.db.rows(COUNT_SHOWS_ON_DAY, now, day, cinemaId),
    ]);
    if (!cinema) throw new CinemaError('CINEMA_NOT_FOUND');
    return new Page(
      items.map(toShow),
      total,
    );
  }

  async get(id: number, db: Queryable = this.db): Promise<ShowResponse> {
    const show = await first(db, GET_SHOW, this.clock.now(), id);
    if (!show) throw new ShowError('SHOW_NOT_FOUND');
    return toShow(show);
  }

  async create(movieId: number, dto: CreateShowDto): Promise<ShowResponse> {
    const dateTime = this.futureDate(dto.date_time);
    return screenBusyOnOverlap(() =>
      this.db.transaction(async (tx) => {
        const movie = await first(tx, SHARE_MOVIE_DURATION, movieId);
        if (!movie) throw new MovieError('MOVIE_NOT_FOUND');
        const screen = await this.screenFor(tx, dto.screen_id, dto.screen_name, dto.total_seats);
        const totalSeats = dto.total_seats ?? screen.total_seats;
        await this.fit(tx, screen, totalSeats);
        const [{ id }] = await tx.rows(INSERT_SHOW, movieId, screen.id, dateTime, movie.duration_minutes, totalSeats, dto.price ?? 0, dto.currency ?? this.config.payments.currency, dto.prices_by_kind ?? {});
        await tx.rows(screen.auto_plan ? ADD_LAID_OUT_SEAT_ROWS : ADD_SEAT_ROWS, id, 1, totalSeats);
        return this.get(id, tx);
      }),
    );
  }

  /**
   * Locks in the documented order: the show, then (when the seat count
   * changes or the show moves) every seat in seat order, so a booking in
   * flight on a seat either commits first (and is counted: a shrink below it,
   * or a move without notify_customers, is refused, and a move tells its
   * customer) or waits for us; the cascade of total_seats onto the seat rows
   * takes no lock out of order. A move (another start or screen) of a show with
   * booked or held seats needs notify_customers; its messages are queued in its
   * transaction, after the move itself (BookingMail.showMoved).
   */
  async update(id: number, dto: UpdateShowDto): Promise<ShowResponse> {
    if (
      dto.screen_id === undefined &&
      dto.screen_name === undefined &&
      dto.date_time === undefined &&
      dto.total_seats === undefined &&
      dto.price === undefined &&
      dto.prices_by_kind === undefined &&
      dto.currency === undefined
    ) {
      throw new ValidationFailedError([], 'Send at least one of screen_id, screen_name, date_time, total_seats, price, prices_by_kind, currency.');
    }
    const dateTime = dto.date_time === undefined ? null : this.futureDate(dto.date_time);
    return screenBusyOnOverlap(() =>
      this.db.transaction(async (tx) => {
        // The screen first (FOR KEY SHARE), as a new show takes it, then the show.
        // A screen made for the move (a name no screen has yet) is as big as the show.
        const size = dto.total_seats ?? (await first(tx, SHOW_SHAPE, id))?.total_seats ?? 1;
        const target = dto.screen_id !== undefined || dto.screen_name !== undefined ? await this.screenFor(tx, dto.screen_id, dto.screen_name, size) : null;
        const show = await first(tx, LOCK_SHOW, id);
        if (!show) throw new ShowError('SHOW_NOT_FOUND');
        if (show.status === 'cancelled') throw new ShowError('SHOW_CANCELLED');
        const otherScreen = target !== null && target.id !== show.screen_id;
        // On a smaller screen the show keeps the seats that screen has (a booked or held seat beyond them refuses the move).
        const newTotal = dto.total_seats ?? (otherScreen ? Math.min(show.total_seats, target.total_seats) : show.total_seats);
        await this.fit(tx, target ?? { id: show.screen_id, name: show.screen_name, total_seats: show.screen_total_seats, auto_plan: show.screen_auto_plan }, newTotal);
        const autoPlan = target?.auto_plan ?? show.screen_auto_plan;
        const from = { date_time: show.date_time.toISOString(), screen_name: show.screen_name };
        const to = { date_time: (dateTime ?? show.date_time).toISOString(), screen_name: otherScreen ? target.name : show.screen_name };
        // The same start or screen sent again is no move.
        const moves = to.date_time !== from.date_time || otherScreen;
        if (moves || newTotal !== show.total_seats) {
          const seats = await tx.rows(LOCK_SHOW_SEATS, id, newTotal, this.clock.now());
          if (seats.some((seat) => seat.taken)) {
            throw showHasBookings(seats, () => (otherScreen ? 'A booked or held seat would be outside the new screen.' : 'total_seats would drop below a booked or held seat.'));
          }
          if (moves && dto.notify_customers !== true && seats.some((seat) => seat.booked || seat.held)) throw showHasBookings(seats, moveNeedsNotice);
          if (newTotal < show.total_seats) await tx.rows(REMOVE_SEAT_ROWS, id, newTotal);
        }
        await tx.rows(UPDATE_SHOW, id, otherScreen ? target.id : null, dateTime, newTotal, dto.price ?? null, dto.currency ?? null, dto.prices_by_kind ?? null);
        if (autoPlan) {
          // Laid out on its own size: all of it again when that or its screen changes.
          if (newTotal > show.total_seats) await tx.rows(ADD_LAID_OUT_SEAT_ROWS, id, show.total_seats + 1, newTotal);
          if (newTotal !== show.total_seats || otherScreen) await tx.rows(LAY_OUT_SEAT_ROWS, id);
        } else {
          if (otherScreen) await tx.rows(RELABEL_SEAT_ROWS, id);
          if (newTotal > show.total_seats) await tx.rows(ADD_SEAT_ROWS, id, show.total_seats + 1, newTotal);
        }
        if (moves) await this.mail.showMoved(tx, id, from, to);
        return this.get(id, tx);
      }),
    );
  }

  /**
   * Cancels a show, before or after its start and whatever was checked in, in
   * one transaction that takes its locks in the documented order: the show
   * (so no hold or confirmation of it starts meanwhile), its active holds,
   * which end and free their seats, every seat (a booking in flight finishes
   * first, and one that waited reads the seat as we leave it), then its
   * bookings, all cancelled, their seats freed, and each customer's message
   * queued in the same transaction (a cancellation that rolls back tells
   * nobody). Last the show's status, which frees its screen.
   */
  async cancel(id: number): Promise<ShowResponse> {
    const now = this.clock.now();
    await this.jobs.ready(REFUND_PAYOUT);
    const { show, holds, bookings } = await this.db.transaction(async (tx) => {
      // Lock 0: the show's orders, which are refunded with it.
      await tx.rows(LOCK_SHOW_ORDERS, id);
      const locked = await first(tx, LOCK_SHOW, id);
      if (!locked) throw new ShowError('SHOW_NOT_FOUND');
      if (locked.status === 'cancelled') throw new ShowError('SHOW_CANCELLED', ALREADY_CANCELLED);
      const [holds] = await tx.rows(END_SHOW_HOLDS, id, now);
      await tx.rows(LOCK_SHOW_SEATS, id, 0, now);
      const bookings = await tx.rows(CANCEL_SHOW_BOOKINGS, id, now);
      await tx.rows(REFUND_SHOW_ORDERS, id, now);
      await this.mail.showCancelled(tx, idsByCustomer(bookings));
      await tx.rows(CANCEL_SHOW, id, now);
      return { show: await this.get(id, tx), holds, bookings };
    });
    this.metrics.bookingsCancelled.inc(bookings.length);
    if (holds.released > 0) this.metrics.holds.inc({ event: 'released' }, holds.released);
    if (holds.expired > 0) this.metrics.holds.inc({ event: 'expired' }, holds.expired);
    return show;
  }

  async remove(id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Lock 0 first: money records are kept, so a show that was ever paid for stays (cancel it instead).
      const orders = await tx.rows(LOCK_SHOW_ORDERS, id);
      if (!(await first(tx, LOCK_SHOW, id))) throw new ShowError('SHOW_NOT_FOUND');
      if (orders.length > 0) throw new ShowError('SHOW_HAS_ORDERS');
      await tx.rows(LOCK_SHOW_HOLDS, id);
      const seats = await tx.rows(LOCK_SHOW_SEATS, id, 0, this.clock.now());
      if (seats.some((seat) => seat.taken)) throw showHasBookings(seats, () => 'The show has booked or held seats; cancel them first.');
      await tx.rows(DELETE_SHOW, id);
    });
  }

  /**
   * The screen a show is made or moved on, locked FOR KEY SHARE (its plan does
   * not change meanwhile): by id, or by name in the default cinema whatever
   * the spelling, made (rows of at most 20 for `totalSeats`) when there is none.
   */
  private async screenFor(tx: Queryable, screenId: number | undefined, screenName: string | undefined, totalSeats: number | undefined) {
    if (screenId !== undefined) {
      const screen = await first(tx, SHARE_SCREEN, screenId);
      if (!screen) throw new ScreenError('SCREEN_NOT_FOUND');
      return screen;
    }
    const name = screenName!;
    const found = await first(tx, LOCK_NAMED_SCREEN, DEFAULT_CINEMA_ID, name);
    if (found) return found;
    await tx.rows(ENSURE_NAMED_SCREEN, DEFAULT_CINEMA_ID, name, ...planArrays(planOf(defaultRows(totalSeats!))));
    return (await first(tx, LOCK_NAMED_SCREEN, DEFAULT_CINEMA_ID, name))!;
  }

  /**
   * A show of `seats` seats fits its screen: a planned screen holds at most
   * its plan (400 SCREEN_CAPACITY_EXCEEDED); an auto-planned one (made from a
   * screen_name) grows with its biggest show, as shows grew before screens.
   */
  private async fit(tx: Queryable, screen: Pick<ScreenForShow, 'id' | 'name' | 'total_seats' | 'auto_plan'>, seats: number): Promise<void> {
    if (seats <= screen.total_seats) return;
    if (!screen.auto_plan) throw ScreenError.capacityExceeded(screen.name, screen.total_seats);
    const [now] = await tx.rows(LOCK_SCREEN_TO_GROW, screen.id);
    if (now.total_seats >= seats) return;
    await tx.rows(DELETE_PLAN, screen.id);
    await tx.rows(GROW_SCREEN, screen.id, ...planArrays(planOf(defaultRows(seats))));
  }

  private futureDate(value: string): Date {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw ValidationFailedError.field('date_time', 'is not a real date');
    if (date.getTime() <= this.clock.now().getTime()) throw ValidationFailedError.field('date_time', 'must be in the future');
    // Later than this has no RFC 3339 form (its UTC year has five digits), so no client could read it back.
    if (date.getUTCFullYear() > 9999) throw ValidationFailedError.field('date_time', 'must be before the year 10000 (UTC)');
    return date;
  }
}

/** The ids of the bookings, one group per customer (the rows come ordered by customer). */
function idsByCustomer(bookings: { id: number; user_id: number }[]): number[][] {
  const groups = new Map<number, number[]>();
  for (const { id, user_id } of bookings) groups.set(user_id, [...(groups.get(user_id) ?? []), id]);
  return [...groups.values()];
}
