import { cinemaMidnight, cinemaToday } from '../../cinemas/cinema-day.sql';
import { localIso } from '../../common/time-zone';
import { statement } from '../../database/statement';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { seatCounts } from '../../seats/seat-rules.sql';
import type { ShowResponse } from '../dto/show.dto';
import type { ShowStatus } from '../entities/show.entity';

export interface ShowRow {
  id: number;
  movie_id: number;
  movie_title: string;
  screen_id: number;
  screen_name: string;
  date_time: Date;
  total_seats: number;
  available_seats: number;
  booked_seats: number;
  held_seats: number;
  status: ShowStatus;
  cancelled_at: Date | null;
  price: number;
  prices_by_kind: Record<string, number>;
  currency: string;
  cinema_id: number;
  cinema_name: string;
  cinema_time_zone: string;
}

/** $1 is always the clock's time. */
const SHOW_SELECT = `
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_id, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.prices_by_kind, sh.currency, c.id AS cinema_id, c.name AS cinema_name, c.time_zone AS cinema_time_zone
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 CROSS JOIN ${seatCounts('sh', '$1')} taken`;

export const GET_SHOW = statement<[now: Date, showId: number], ShowRow>({
  name: 'get-show',
  text: `${SHOW_SELECT}
 WHERE sh.id = $2`,
});

export const SHOW_EXISTS = statement<[showId: number], { id: number }>({
  name: 'show-exists',
  text: `SELECT id FROM shows WHERE id = $1`,
});

export const SHOWS_OF_MOVIE = statement<[now: Date, movieId: number, limit: number, offset: number], ShowRow>({
  name: 'shows-of-movie',
  text: `${SHOW_SELECT}
 WHERE sh.movie_id = $2
 ORDER BY sh.date_time, sh.id
 LIMIT $3 OFFSET $4`,
});

/** The day a listing is of: `$2` (a date) or, when NULL, today at `$1` in the cinema's zone; its start and end as instants. */
const DAY_OF_CINEMA = `
 CROSS JOIN LATERAL (SELECT coalesce($2::date, ${cinemaToday('$1', 'c.time_zone')}) AS d) day
 WHERE sc.cinema_id = $3
   AND sh.date_time >= ${cinemaMidnight('day.d', 'c.time_zone')} AND sh.date_time < ${cinemaMidnight('(day.d + 1)', 'c.time_zone')}`;

/**
 * The shows of a cinema starting on a calendar day in its own time zone (from
 * its midnight to the next, so a day of 23 or 25 hours is whole), by start:
 * `day` NULL is today there at `now`.
 */
export const SHOWS_ON_DAY = statement<[now: Date, day: string | null, cinemaId: number, limit: number, offset: number], ShowRow>({
  name: 'shows-on-day',
  text: `${SHOW_SELECT}${DAY_OF_CINEMA}
 ORDER BY sh.date_time, sh.id
 LIMIT $4 OFFSET $5`,
});

export const COUNT_SHOWS_ON_DAY = statement<[now: Date, day: string | null, cinemaId: number], { total: number }>({
  name: 'count-shows-on-day',
  text: `
SELECT count(*)::int AS total
  FROM shows sh JOIN screens sc ON sc.id = sh.screen_id JOIN cinemas c ON c.id = sc.cinema_id${DAY_OF_CINEMA}`,
});

export const COUNT_SHOWS_OF_MOVIE = statement<[movieId: number], { total: number }>({
  name: 'count-shows-of-movie',
  text: `SELECT count(*)::int AS total FROM shows WHERE movie_id = $1`,
});

/**
 * A show occupies its screen from date_time for the movie's duration (ends_at)
 * and the screen's turnaround after it: free_at is what the overlap
 * constraint sees. It carries its screen's name.
 */
export const INSERT_SHOW = statement<
  [movieId: number, screenId: number, dateTime: Date, durationMinutes: number, totalSeats: number, price: number, currency: string, pricesByKind: Record<string, number>],
  { id: number }
>({
  name: 'insert-show',
  text: `
INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats, price, currency, prices_by_kind)
SELECT $1, sc.id, sc.name, $3, $3::timestamptz + make_interval(mins => $4), $3::timestamptz + make_interval(mins => $4 + sc.turnaround_minutes), $5, $6, $7, $8::jsonb
  FROM screens sc WHERE sc.id = $2
RETURNING id`,
});

/** The show row, locked to change, cancel or delete it (lock 2 of the documented order), with its screen's size. */
export const LOCK_SHOW = statement<
  [showId: number],
  { total_seats: number; status: ShowStatus; date_time: Date; screen_id: number; screen_name: string; screen_total_seats: number; screen_auto_plan: boolean }
>({
  name: 'lock-show',
  text: `
SELECT sh.total_seats, sh.status, sh.date_time, sh.screen_id, sh.screen_name, sc.total_seats AS screen_total_seats, sc.auto_plan AS screen_auto_plan
  FROM shows sh JOIN screens sc ON sc.id = sh.screen_id
 WHERE sh.id = $1
   FOR UPDATE OF sh`,
});

/**
 * The last step of a show's cancellation, on the locked show whose seats are
 * free by now (seats_free_when_show_cancelled): the status cascades onto its
 * seat rows (seats_show_fk), and the screen is free for another show
 * (shows_screen_no_overlap counts scheduled shows only).
 */
export const CANCEL_SHOW = statement<[showId: number, now: Date], { id: number }>({
  name: 'cancel-show',
  text: `UPDATE shows SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 RETURNING id`,
  // Its status changed: every instance drops what it knows of the show (seat map, "full").
  events: (rows) => [SEAT_CHANGES.of(...rows.map((row) => ({ show_id: row.id, status: 'available' as const, seats: [] })))],
});

/** The show's holds (lock 3), before its seats: deleting the show cascades to both. */
export const LOCK_SHOW_HOLDS = statement<[showId: number], { id: number }>({
  name: 'lock-show-holds',
  text: `SELECT id FROM holds WHERE show_id = $1 ORDER BY id FOR UPDATE`,
});

/**
 * A locked show's new screen, start and size; the movie's duration is read
 * here, under the lock, since a movie PATCH may have changed it meanwhile. The
 * new total_seats cascades onto its seat rows (seats_show_fk).
 */
export const UPDATE_SHOW = statement<
  [showId: number, screenId: number | null, dateTime: Date | null, totalSeats: number, price: number | null, currency: string | null, pricesByKind: Record<string, number> | null],
  { id: number }
>({
  name: 'update-show',
  text: `
UPDATE shows SET screen_id = sc.id,
                 screen_name = sc.name,
                 price = coalesce($5, price),
                 prices_by_kind = coalesce($7::jsonb, prices_by_kind),
                 currency = coalesce($6, currency),
                 date_time = coalesce($3, date_time),
                 ends_at = coalesce($3, date_time) + make_interval(mins => m.duration_minutes),
                 free_at = coalesce($3, date_time) + make_interval(mins => m.duration_minutes + sc.turnaround_minutes),
                 total_seats = $4
  FROM screens sc, movies m
 WHERE shows.id = $1 AND sc.id = coalesce($2, shows.screen_id) AND m.id = shows.movie_id
RETURNING shows.id`,
  // Its start or size may have changed: every instance drops what it knows of the show (seat map, "full").
  events: (rows) => [SEAT_CHANGES.of(...rows.map((row) => ({ show_id: row.id, status: 'available' as const, seats: [] })))],
});

/** What FullShows keeps of a show it has seen full: when it starts, and its size (the refusals that rank first). */
export const SHOW_SHAPE = statement<[showId: number], { date_time: Date; total_seats: number }>({
  name: 'show-shape',
  text: `SELECT date_time, total_seats FROM shows WHERE id = $1`,
});

export const DELETE_SHOW = statement<[showId: number], { id: number }>({
  name: 'delete-show',
  text: `DELETE FROM shows WHERE id = $1 RETURNING id`,
  // Its seats are gone: every instance drops what it cached of this show.
  events: (rows) => [SEAT_CHANGES.of(...rows.map((row) => ({ show_id: row.id, status: 'available' as const, seats: [] })))],
});

/** A new duration moves the end of every show of the movie, which may now overlap another show (SCREEN_BUSY). */
export const MOVE_SHOW_ENDS = statement<[movieId: number, durationMinutes: number], { id: number }>({
  name: 'move-show-ends',
  text: `
UPDATE shows sh SET ends_at = sh.date_time + make_interval(mins => $2), free_at = sh.date_time + make_interval(mins => $2 + sc.turnaround_minutes)
  FROM screens sc WHERE sh.movie_id = $1 AND sc.id = sh.screen_id
RETURNING sh.id`,
});

/** A show as the API answers it: its start also as its cinema's clocks read it. */
export function toShow(row: ShowRow): ShowResponse {
  const { cinema_id, cinema_name, cinema_time_zone, ...show } = row;
  return {
    ...show,
    date_time: row.date_time.toISOString(),
    local_date_time: localIso(row.date_time, cinema_time_zone),
    cinema: { id: cinema_id, name: cinema_name, time_zone: cinema_time_zone },
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
  };
}
