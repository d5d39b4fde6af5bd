-- rendered from src/shows/sql/shows.ts by src/database/statements.spec.ts

-- get-show
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.currency
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
 WHERE sh.id = $2;

-- show-exists
SELECT id FROM shows WHERE id = $1;

-- shows-of-movie
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.currency
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
 WHERE sh.movie_id = $2
 ORDER BY sh.date_time, sh.id
 LIMIT $3 OFFSET $4;

-- shows-on-day
SELECT sh.id, sh.movie_id, m.title AS movie_title, sh.screen_name, sh.date_time, sh.total_seats,
       sh.total_seats - taken.booked_seats - taken.held_seats AS available_seats, taken.booked_seats, taken.held_seats,
       sh.status, sh.cancelled_at, sh.price, sh.currency
  FROM shows sh JOIN movies m ON m.id = sh.movie_id
 CROSS JOIN LATERAL (
SELECT count(*) FILTER (WHERE t.booking_id IS NOT NULL)::int AS booked_seats,
       count(*) FILTER (WHERE (t.hold_id IS NOT NULL AND t.hold_expires_at > $1))::int AS held_seats
  FROM seats t WHERE t.show_id = sh.id AND (t.booking_id IS NOT NULL OR t.hold_id IS NOT NULL)) taken
 CROSS JOIN LATERAL (SELECT coalesce($2::date, ($1::timestamptz AT TIME ZONE $3)::date) AS d) day
 WHERE sh.date_time >= (day.d::timestamp AT TIME ZONE $3) AND sh.date_time < ((day.d + 1)::timestamp AT TIME ZONE $3)
 ORDER BY sh.date_time, sh.id
 LIMIT $4 OFFSET $5;

-- count-shows-on-day
SELECT count(*)::int AS total
  FROM shows sh
 CROSS JOIN LATERAL (SELECT coalesce($2::date, ($1::timestamptz AT TIME ZONE $3)::date) AS d) day
 WHERE sh.date_time >= (day.d::timestamp AT TIME ZONE $3) AND sh.date_time < ((day.d + 1)::timestamp AT TIME ZONE $3);

-- count-shows-of-movie
SELECT count(*)::int AS total FROM shows WHERE movie_id = $1;

-- insert-show
INSERT INTO shows (movie_id, screen_name, date_time, ends_at, total_seats, price, currency)
VALUES ($1, $2, $3, $3::timestamptz + make_interval(mins => $4), $5, $6, $7)
RETURNING id;

-- lock-show
SELECT total_seats, status, date_time, screen_name FROM shows WHERE id = $1 FOR UPDATE;

-- cancel-show (reports events, announced after commit)
UPDATE shows SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 RETURNING id;

-- lock-show-holds
SELECT id FROM holds WHERE show_id = $1 ORDER BY id FOR UPDATE;

-- update-show (reports events, announced after commit)
UPDATE shows SET screen_name = coalesce($2, screen_name),
                 price = coalesce($5, price),
                 currency = coalesce($6, currency),
                 date_time = coalesce($3, date_time),
                 ends_at = coalesce($3, date_time) + make_interval(mins => (SELECT duration_minutes FROM movies WHERE id = shows.movie_id)),
                 total_seats = $4
 WHERE id = $1
RETURNING id;

-- show-shape
SELECT date_time, total_seats FROM shows WHERE id = $1;

-- delete-show (reports events, announced after commit)
DELETE FROM shows WHERE id = $1 RETURNING id;

-- move-show-ends
UPDATE shows SET ends_at = date_time + make_interval(mins => $2) WHERE movie_id = $1 RETURNING id;
