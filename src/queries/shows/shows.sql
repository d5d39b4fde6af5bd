-- rendered from src/shows/sql/shows.ts by src/database/statements.spec.ts

-- get-show
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_id, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.prices_by_kind, sh.currency, c.id AS cinema_id, c.name AS cinema_name, c.time_zone AS cinema_time_zone
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
 WHERE sh.id = $2;

-- show-exists
SELECT id FROM shows WHERE id = $1;

-- shows-of-movie
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_id, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.prices_by_kind, sh.currency, c.id AS cinema_id, c.name AS cinema_name, c.time_zone AS cinema_time_zone
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
 WHERE sh.movie_id = $2
 ORDER BY sh.date_time, sh.id
 LIMIT $3 OFFSET $4;

-- shows-on-day
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_id, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.prices_by_kind, sh.currency, c.id AS cinema_id, c.name AS cinema_name, c.time_zone AS cinema_time_zone
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
 CROSS JOIN LATERAL (SELECT coalesce($2::date, ($1::timestamptz AT TIME ZONE c.time_zone)::date) AS d) day
 WHERE sc.cinema_id = $3
   AND sh.date_time >= (day.d::timestamp AT TIME ZONE c.time_zone) AND sh.date_time < ((day.d + 1)::timestamp AT TIME ZONE c.time_zone)
 ORDER BY sh.date_time, sh.id
 LIMIT $4 OFFSET $5;

-- count-shows-on-day
SELECT count(*)::int AS total
  FROM shows sh JOIN screens sc ON sc.id = sh.screen_id JOIN cinemas c ON c.id = sc.cinema_id
 CROSS JOIN LATERAL (SELECT coalesce($2::date, ($1::timestamptz AT TIME ZONE c.time_zone)::date) AS d) day
 WHERE sc.cinema_id = $3
   AND sh.date_time >= (day.d::timestamp AT TIME ZONE c.time_zone) AND sh.date_time < ((day.d + 1)::timestamp AT TIME ZONE c.time_zone);

-- count-shows-of-movie
SELECT count(*)::int AS total FROM shows WHERE movie_id = $1;

-- insert-show
INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats, price, currency, prices_by_kind)
SELECT $1, sc.id, sc.name, $3, $3::timestamptz + make_interval(mins => $4), $3::timestamptz + make_interval(mins => $4 + sc.turnaround_minutes), $5, $6, $7, $8::jsonb
  FROM screens sc WHERE sc.id = $2
RETURNING id;

-- lock-show
SELECT sh.total_seats, sh.status, sh.date_time, sh.screen_id, sh.screen_name, sc.total_seats AS screen_total_seats, sc.auto_plan AS screen_auto_plan
  FROM shows sh JOIN screens sc ON sc.id = sh.screen_id
 WHERE sh.id = $1
   FOR UPDATE OF sh;

-- cancel-show (reports events, announced after commit)
UPDATE shows SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 RETURNING id;

-- lock-show-holds
SELECT id FROM holds WHERE show_id = $1 ORDER BY id FOR UPDATE;

-- update-show (reports events, announced after commit)
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
RETURNING shows.id;

-- show-shape
SELECT date_time, total_seats FROM shows WHERE id = $1;

-- delete-show (reports events, announced after commit)
DELETE FROM shows WHERE id = $1 RETURNING id;

-- move-show-ends
UPDATE shows sh SET ends_at = sh.date_time + make_interval(mins => $2), free_at = sh.date_time + make_interval(mins => $2 + sc.turnaround_minutes)
  FROM screens sc WHERE sh.movie_id = $1 AND sc.id = sh.screen_id
RETURNING sh.id;
