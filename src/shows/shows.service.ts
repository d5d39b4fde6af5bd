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
import { ADD_SEAT_ROWS, LOCK_SHOW_SEATS, REMOVE_SEAT_ROWS } from '../seats/sql/seat-rows';
import { CinemaResponse, defaultCinema } from '../cinemas/cinema.dto';
import { CinemaError } from '../cinemas/cinemas.errors';
import { CreateShowDto, ShowResponse, ShowsOnDayQuery, UpdateShowDto } from './dto/show.dto';
import { screenBusyOnOverlap, ShowError, showHasBookings } from './shows.errors';
import { CANCEL_SHOW, COUNT_SHOWS_OF_MOVIE, COUNT_SHOWS_ON_DAY, SHOWS_ON_DAY, DELETE_SHOW, GET_SHOW, INSERT_SHOW, LOCK_SHOW, LOCK_SHOW_HOLDS, SHOWS_OF_MOVIE, toShow, UPDATE_SHOW } from './sql/shows';

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
  ) {
    this.cinema = defaultCinema(config);
  }

  /** Where every show is, until shows are on screens of cinemas. */
  private readonly cinema: CinemaResponse;

  async listForMovie(movieId: number, page: PageQuery): Promise<Page<ShowResponse>> {
    const [movie, items, [{ total }]] = await Promise.all([
      first(this.db, GET_MOVIE, movieId),
      this.db.rows(SHOWS_OF_MOVIE, this.clock.now(), movieId, page.limit, page.offset),
      this.db.rows(COUNT_SHOWS_OF_MOVIE, movieId),
    ]);
    if (!movie) throw new MovieError('MOVIE_NOT_FOUND');
    return new Page(
      items.map((row) => toShow(row, this.cinema)),
      total,
    );
  }

  /** The shows starting on a day (today when not given) in the cinema's own time zone. */
  async listDay(query: ShowsOnDayQuery): Promise<Page<ShowResponse>> {
    if (query.cinema_id !== undefined && query.cinema_id !== this.cinema.id) throw new CinemaError('CINEMA_NOT_FOUND');
    const now = this.clock.now();
    const day = query.date ?? null;
    const zone = this.cinema.time_zone;
    const [items, [{ total }]] = await Promise.all([
      this.db.rows(SHOWS_ON_DAY, now, day, zone, query.limit, query.offset),
      this.db.rows(COUNT_SHOWS_ON_DAY, now, day, zone),
    ]);
    return new Page(
      items.map((row) => toShow(row, this.cinema)),
      total,
    );
  }

  async get(id: number, db: Queryable = this.db): Promise<ShowResponse> {
    const show = await first(db, GET_SHOW, this.clock.now(), id);
    if (!show) throw new ShowError('SHOW_NOT_FOUND');
    return toShow(show, this.cinema);
  }

  async create(movieId: number, dto: CreateShowDto): Promise<ShowResponse> {
    const dateTime = this.futureDate(dto.date_time);
    return screenBusyOnOverlap(() =>
      this.db.transaction(async (tx) => {
        const movie = await first(tx, SHARE_MOVIE_DURATION, movieId);
        if (!movie) throw new MovieError('MOVIE_NOT_FOUND');
        const [{ id }] = await tx.rows(INSERT_SHOW, movieId, dto.screen_name, dateTime, movie.duration_minutes, dto.total_seats, dto.price ?? 0, dto.currency ?? this.config.payments.currency);
        await tx.rows(ADD_SEAT_ROWS, id, 1, dto.total_seats);
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
    if (dto.screen_name === undefined && dto.date_time === undefined && dto.total_seats === undefined && dto.price === undefined && dto.currency === undefined) {
      throw new ValidationFailedError([], 'Send at least one of screen_name, date_time, total_seats, price, currency.');
    }
    const dateTime = dto.date_time === undefined ? null : this.futureDate(dto.date_time);
    return screenBusyOnOverlap(() =>
      this.db.transaction(async (tx) => {
        const show = await first(tx, LOCK_SHOW, id);
        if (!show) throw new ShowError('SHOW_NOT_FOUND');
        if (show.status === 'cancelled') throw new ShowError('SHOW_CANCELLED');
        const newTotal = dto.total_seats ?? show.total_seats;
        const from = { date_time: show.date_time.toISOString(), screen_name: show.screen_name };
        const to = { date_time: (dateTime ?? show.date_time).toISOString(), screen_name: dto.screen_name ?? show.screen_name };
        // The same start or screen sent again is no move.
        const moves = to.date_time !== from.date_time || to.screen_name !== from.screen_name;
        if (moves || newTotal !== show.total_seats) {
          const seats = await tx.rows(LOCK_SHOW_SEATS, id, newTotal, this.clock.now());
          if (seats.some((seat) => seat.taken)) throw showHasBookings(seats, () => 'total_seats would drop below a booked or held seat.');
          if (moves && dto.notify_customers !== true && seats.some((seat) => seat.booked || seat.held)) throw showHasBookings(seats, moveNeedsNotice);
          if (newTotal < show.total_seats) await tx.rows(REMOVE_SEAT_ROWS, id, newTotal);
        }
        await tx.rows(UPDATE_SHOW, id, dto.screen_name ?? null, dateTime, newTotal, dto.price ?? null, dto.currency ?? null);
        if (newTotal > show.total_seats) await tx.rows(ADD_SEAT_ROWS, id, show.total_seats + 1, newTotal);
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
