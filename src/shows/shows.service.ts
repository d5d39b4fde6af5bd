import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors/app-error';
import { pgCode, PgCode } from '../common/errors/pg-errors';
import { Page, PageQuery } from '../common/http/pagination';
import { MovieNotFoundError } from '../movies/movies.errors';
import { SeatEventsService } from '../seat-events/seat-events.service';
import { CreateShowDto, ShowResponse, UpdateShowDto } from './dto/show.dto';
import { seatIsTaken, unavailableSeatCount } from './seat-state.sql';
import { ScreenBusyError, ShowHasBookingsError, ShowNotFoundError } from './shows.errors';

/** $1 is always the clock's time. */
const SHOW_SELECT = `
  SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_name, sh.date_time, sh.total_seats,
         sh.total_seats - ${unavailableSeatCount('sh', '$1')} AS available_seats
    FROM shows sh JOIN movies m ON m.id = sh.movie_id`;

@Injectable()
export class ShowsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: SeatEventsService,
  ) {}

  async listForMovie(movieId: number, page: PageQuery): Promise<Page<ShowResponse>> {
    const [[movie], items, [{ total }]] = await Promise.all([
      this.dataSource.query(`SELECT 1 FROM movies WHERE id = $1`, [movieId]),
      this.dataSource.query(`${SHOW_SELECT} WHERE sh.movie_id = $2 ORDER BY sh.date_time, sh.id LIMIT $3 OFFSET $4`, [
        this.clock.now(),
        movieId,
        page.limit,
        page.offset,
      ]),
      this.dataSource.query(`SELECT count(*)::int AS total FROM shows WHERE movie_id = $1`, [movieId]),
    ]);
    if (!movie) throw new MovieNotFoundError();
    return new Page(items, total);
  }

  async get(id: number, manager: EntityManager = this.dataSource.manager): Promise<ShowResponse> {
    const [show] = await manager.query(`${SHOW_SELECT} WHERE sh.id = $2`, [this.clock.now(), id]);
    if (!show) throw new ShowNotFoundError();
    return show;
  }

  async create(movieId: number, dto: CreateShowDto): Promise<ShowResponse> {
    const dateTime = this.futureDate(dto.date_time);
    return this.writing(() =>
      this.dataSource.transaction(async (manager) => {
        // FOR SHARE: the duration we compute ends_at from cannot change under us.
        const [movie] = await manager.query(`SELECT duration_minutes FROM movies WHERE id = $1 FOR SHARE`, [movieId]);
        if (!movie) throw new MovieNotFoundError();
        const [{ id }] = await manager.query(
          `INSERT INTO shows (movie_id, screen_name, date_time, ends_at, total_seats)
           VALUES ($1, $2, $3, $3::timestamptz + make_interval(mins => $4), $5) RETURNING id`,
          [movieId, dto.screen_name, dateTime, movie.duration_minutes, dto.total_seats],
        );
        await this.addSeats(manager, id, 1, dto.total_seats);
        return this.get(id, manager);
      }),
    );
  }

  /**
   * Locks in the order every writer uses: the show, then (when the seat count
   * changes) every seat in seat order, so a booking in flight on a seat either
   * commits first (and a shrink below it is refused) or waits for us, and the
   * cascade of total_seats onto the seat rows takes no lock out of order.
   */
  async update(id: number, dto: UpdateShowDto): Promise<ShowResponse> {
    if (dto.screen_name === undefined && dto.date_time === undefined && dto.total_seats === undefined) {
      throw new ValidationFailedError([], 'Send at least one of screen_name, date_time, total_seats.');
    }
    const dateTime = dto.date_time === undefined ? null : this.futureDate(dto.date_time);
    return this.writing(() =>
      this.dataSource.transaction(async (manager) => {
        const [show] = await manager.query(`SELECT total_seats FROM shows WHERE id = $1 FOR UPDATE`, [id]);
        if (!show) throw new ShowNotFoundError();
        const newTotal = dto.total_seats ?? show.total_seats;
        if (newTotal !== show.total_seats) {
          const taken = await this.lockSeats(manager, id, newTotal);
          if (taken) throw new ShowHasBookingsError('total_seats would drop below a booked or held seat.');
          await manager.query(`DELETE FROM seats WHERE show_id = $1 AND seat_number > $2`, [id, newTotal]);
        }
        // The duration is read here, not before the lock: a movie PATCH may have changed it meanwhile.
        await manager.query(
          `UPDATE shows SET screen_name = coalesce($2, screen_name),
                            date_time = coalesce($3, date_time),
                            ends_at = coalesce($3, date_time)
                                      + make_interval(mins => (SELECT duration_minutes FROM movies WHERE id = shows.movie_id)),
                            total_seats = $4
            WHERE id = $1`,
          [id, dto.screen_name ?? null, dateTime, newTotal],
        );
        if (newTotal > show.total_seats) await this.addSeats(manager, id, show.total_seats + 1, newTotal);
        return this.get(id, manager);
      }),
    ).finally(() => this.events.publish({ show_id: id, status: 'available', seats: [] }));
  }

  async remove(id: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [show] = await manager.query(`SELECT id FROM shows WHERE id = $1 FOR UPDATE`, [id]);
      if (!show) throw new ShowNotFoundError();
      // Holds before seats, as confirm, release and the expiry sweeper lock them: the delete cascades to both.
      await manager.query(`SELECT 1 FROM holds WHERE show_id = $1 ORDER BY id FOR UPDATE`, [id]);
      if (await this.lockSeats(manager, id, 0)) {
        throw new ShowHasBookingsError('The show has booked or held seats; cancel them first.');
      }
      await manager.query(`DELETE FROM shows WHERE id = $1`, [id]);
    });
    // Seats were removed: every instance drops what it cached of this show.
    this.events.publish({ show_id: id, status: 'available', seats: [] });
  }

  /**
   * Locks every seat of the show in seat order and says whether any seat above
   * `above` is booked or actively held. Every seat, not only the taken ones: a
   * seat being booked right now looks free in our snapshot, and only its lock
   * makes us wait for that booking.
   */
  private async lockSeats(manager: EntityManager, showId: number, above: number): Promise<boolean> {
    const seats: { taken: boolean }[] = await manager.query(
      `SELECT s.seat_number > $2 AND ${seatIsTaken('$3')} AS taken FROM seats s WHERE s.show_id = $1
        ORDER BY s.seat_number FOR UPDATE`,
      [showId, above, this.clock.now()],
    );
    return seats.some((seat) => seat.taken);
  }

  private async addSeats(manager: EntityManager, showId: number, from: number, to: number): Promise<void> {
    await manager.query(
      `INSERT INTO seats (show_id, seat_number, total_seats)
       SELECT $1, n, $3 FROM generate_series($2::int, $3::int) AS n`,
      [showId, from, to],
    );
  }

  private futureDate(value: string): Date {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw ValidationFailedError.field('date_time', 'is not a real date');
    if (date.getTime() <= this.clock.now().getTime()) throw ValidationFailedError.field('date_time', 'must be in the future');
    return date;
  }

  private async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (pgCode(error) === PgCode.EXCLUSION_VIOLATION) throw new ScreenBusyError();
      throw error;
    }
  }
}
