import { statement } from '../../database/statement';
import { SEAT_CHANGES } from '../../seat-events/seat-events.sql';
import { isTaken } from '../../seats/seat-rules.sql';
import { foldScreenName } from '../entities/screen.entity';
import type { PlanSeat } from '../plan';

export interface ScreenRow {
  id: number;
  cinema_id: number;
  name: string;
  total_seats: number;
  turnaround_minutes: number;
  auto_plan: boolean;
  /** Its plan, in seat order. */
  seats: PlanSeat[];
}

const SCREEN_SELECT = `
SELECT sc.id, sc.cinema_id, sc.name, sc.total_seats, sc.turnaround_minutes, sc.auto_plan,
       coalesce((SELECT jsonb_agg(jsonb_build_object('seat_number', ss.seat_number, 'row_index', ss.row_index, 'row_label', ss.row_label,
                                                     'place', ss.place, 'label', ss.label, 'kind', ss.kind) ORDER BY ss.seat_number)
                   FROM screen_seats ss WHERE ss.screen_id = sc.id), '[]'::jsonb) AS seats
  FROM screens sc`;

export const GET_SCREEN = statement<[screenId: number], ScreenRow>({
  name: 'get-screen',
  text: `${SCREEN_SELECT} WHERE sc.id = $1`,
});

/** A cinema's screens (every cinema's when NULL), by cinema and name. */
export const LIST_SCREENS = statement<[cinemaId: number | null], ScreenRow>({
  name: 'list-screens',
  text: `${SCREEN_SELECT} WHERE $1::int IS NULL OR sc.cinema_id = $1 ORDER BY sc.cinema_id, sc.name_key`,
});

/** The plan's seats as parallel arrays, for unnest. */
export const planArrays = (seats: PlanSeat[]) =>
  [
    seats.map((s) => s.seat_number),
    seats.map((s) => s.row_index),
    seats.map((s) => s.row_label),
    seats.map((s) => s.place),
    seats.map((s) => s.label),
    seats.map((s) => s.kind),
  ] as const;

type PlanParams = [seatNumbers: number[], rowIndexes: number[], rowLabels: string[], places: number[], labels: string[], kinds: string[]];

/** The plan's seats from its six array parameters, the first of them `$first`. */
const planRows = (first: number) => {
  const [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return `SELECT p.* FROM unnest(${a}::int[], ${b}::int[], ${c}::varchar[], ${d}::int[], ${e}::varchar[], ${f}::varchar[])
    AS p(seat_number, row_index, row_label, place, label, kind)`;
};

/**
 * A new screen with its plan, unless the cinema has a screen of that name
 * whatever the spelling (screens_cinema_name_key): then no row.
 */
export const INSERT_SCREEN = statement<[cinemaId: number, name: string, turnaround: number, ...plan: PlanParams], { id: number }>({
  name: 'insert-screen',
  text: `
WITH made AS (
  INSERT INTO screens (cinema_id, name, name_key, total_seats, turnaround_minutes)
  VALUES ($1, btrim($2), ${foldScreenName('$2::varchar')}, cardinality($4::int[]), $3)
  ON CONFLICT (cinema_id, name_key) DO NOTHING
  RETURNING id
), plan AS (
  INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
  SELECT m.id, p.* FROM made m, (${planRows(4)}) p
)
SELECT id FROM made`,
});

/**
 * The screen a show names (`{screen_name, total_seats}`, Part 1's way) in a
 * cinema, made when there is none, with `plan` (rows of at most 20: the
 * caller's defaultRows), then locked FOR KEY SHARE (its plan does not change
 * while the show is made on it). Two of these at once make one screen.
 */
export const ENSURE_NAMED_SCREEN = statement<[cinemaId: number, name: string, ...plan: PlanParams], { made: number }>({
  name: 'ensure-named-screen',
  text: `
WITH made AS (
  INSERT INTO screens (cinema_id, name, name_key, total_seats, auto_plan)
  VALUES ($1, btrim($2), ${foldScreenName('$2::varchar')}, cardinality($3::int[]), true)
  ON CONFLICT (cinema_id, name_key) DO NOTHING
  RETURNING id
), plan AS (
  INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
  SELECT m.id, p.* FROM made m, (${planRows(3)}) p
)
SELECT coalesce((SELECT id FROM made), 0) AS made`,
});

/** A screen a show is made or moved on. */
export interface ScreenForShow {
  id: number;
  name: string;
  total_seats: number;
  turnaround_minutes: number;
  auto_plan: boolean;
}

/** The cinema's screen of this name (whatever the spelling), locked FOR KEY SHARE. */
export const LOCK_NAMED_SCREEN = statement<[cinemaId: number, name: string], ScreenForShow>({
  name: 'lock-named-screen',
  text: `SELECT id, name, total_seats, turnaround_minutes, auto_plan FROM screens WHERE cinema_id = $1 AND name_key = ${foldScreenName('$2::varchar')} FOR KEY SHARE`,
});

/** A screen by id, locked FOR KEY SHARE to make or move a show on it. */
export const SHARE_SCREEN = statement<[screenId: number], ScreenForShow>({
  name: 'share-screen',
  text: `SELECT id, name, total_seats, turnaround_minutes, auto_plan FROM screens WHERE id = $1 FOR KEY SHARE`,
});

/**
 * An auto-planned screen about to take a bigger show than it had: locked
 * (FOR NO KEY UPDATE, so two growths run one after the other, and shows made
 * on it meanwhile still may), its size as it is now.
 */
export const LOCK_SCREEN_TO_GROW = statement<[screenId: number], { total_seats: number }>({
  name: 'lock-screen-to-grow',
  text: `SELECT total_seats FROM screens WHERE id = $1 FOR NO KEY UPDATE`,
});

/** An auto-planned screen grown to `plan` (its default rows for the bigger size), after DELETE_PLAN. */
export const GROW_SCREEN = statement<[screenId: number, ...plan: PlanParams], never>({
  name: 'grow-screen',
  text: `
WITH grown AS (
  UPDATE screens SET total_seats = cardinality($2::int[]) WHERE id = $1
)
INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
SELECT $1, p.* FROM (${planRows(2)}) p`,
});

/**
 * A screen locked to change it (FOR UPDATE: no show is made on it meanwhile),
 * with what its shows say: how many shows it has at all, how many of them are
 * still to come, the most seats one of those offers, and whether any of their
 * seats is booked or held at `now`.
 */
export const LOCK_SCREEN = statement<
  [screenId: number, now: Date],
  { id: number; cinema_id: number; name: string; shows: number; future_shows: number; most_future_seats: number; future_seats_taken: boolean }
>({
  name: 'lock-screen',
  text: `
WITH sc AS (SELECT id, cinema_id, name FROM screens WHERE id = $1 FOR UPDATE)
SELECT sc.id, sc.cinema_id, sc.name,
       (SELECT count(*)::int FROM shows sh WHERE sh.screen_id = sc.id) AS shows,
       (SELECT count(*)::int FROM shows sh WHERE sh.screen_id = sc.id AND sh.date_time > $2 AND sh.status = 'scheduled') AS future_shows,
       (SELECT coalesce(max(sh.total_seats), 0)::int FROM shows sh WHERE sh.screen_id = sc.id AND sh.date_time > $2 AND sh.status = 'scheduled') AS most_future_seats,
       EXISTS (SELECT 1 FROM shows sh JOIN seats s ON s.show_id = sh.id
                WHERE sh.screen_id = sc.id AND sh.date_time > $2 AND sh.status = 'scheduled' AND ${isTaken('s', '$2')}) AS future_seats_taken
  FROM sc`,
});

/** A screen's name (its shows' copy with it) and turnaround (moving the ends of its shows still to come: SCREEN_BUSY when one would now overlap). */
export const UPDATE_SCREEN = statement<[screenId: number, name: string | null, turnaround: number | null, now: Date], { id: number }>({
  name: 'update-screen',
  text: `
WITH sc AS (
  UPDATE screens SET name = coalesce(btrim($2), name), name_key = coalesce(${foldScreenName('$2::varchar')}, name_key),
                     turnaround_minutes = coalesce($3, turnaround_minutes)
   WHERE id = $1
  RETURNING id, name, turnaround_minutes
), renamed AS (
  UPDATE shows sh SET screen_name = sc.name FROM sc WHERE sh.screen_id = sc.id AND sh.screen_name <> sc.name
), moved AS (
  UPDATE shows sh SET free_at = sh.ends_at + make_interval(mins => sc.turnaround_minutes)
    FROM sc WHERE sh.screen_id = sc.id AND sh.free_at > $4 AND sh.free_at <> sh.ends_at + make_interval(mins => sc.turnaround_minutes)
)
SELECT id FROM sc`,
});

/** The first half of a new plan (REPLACE_PLAN is the second, in the same transaction): the old one gone. */
export const DELETE_PLAN = statement<[screenId: number], never>({
  name: 'delete-plan',
  text: `DELETE FROM screen_seats WHERE screen_id = $1`,
});

/**
 * A new plan for a screen whose shows still to come have no booked or held
 * seat and offer no more seats than it has (LOCK_SCREEN said so): the plan's
 * seats replaced, and the seat rows of those shows relabelled from it.
 */
export const REPLACE_PLAN = statement<[screenId: number, now: Date, ...plan: PlanParams], { show_id: number }>({
  name: 'replace-plan',
  text: `
WITH resized AS (
  UPDATE screens SET total_seats = cardinality($3::int[]) WHERE id = $1
), plan AS (${planRows(3)}
), kept AS (
  INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
  SELECT $1, p.* FROM plan p
), relabelled AS (
  UPDATE seats s SET row_index = p.row_index, row_label = p.row_label, place = p.place, label = p.label, kind = p.kind
    FROM shows sh, plan p
   WHERE sh.screen_id = $1 AND sh.date_time > $2 AND sh.status = 'scheduled' AND s.show_id = sh.id AND p.seat_number = s.seat_number
  RETURNING s.show_id
)
SELECT DISTINCT show_id FROM relabelled`,
  events: (rows) => [SEAT_CHANGES.of(...rows.map((row) => ({ show_id: row.show_id, status: 'available' as const, seats: [] })))],
});

export const DELETE_SCREEN = statement<[screenId: number], { id: number }>({
  name: 'delete-screen',
  text: `DELETE FROM screens WHERE id = $1 RETURNING id`,
});
