-- rendered from src/screens/sql/screens.ts by src/database/statements.spec.ts

-- get-screen
SELECT sc.id, sc.cinema_id, sc.name, sc.total_seats, sc.turnaround_minutes, sc.auto_plan,
       coalesce((SELECT jsonb_agg(jsonb_build_object('seat_number', ss.seat_number, 'row_index', ss.row_index, 'row_label', ss.row_label,
                                                     'place', ss.place, 'label', ss.label, 'kind', ss.kind) ORDER BY ss.seat_number)
                   FROM screen_seats ss WHERE ss.screen_id = sc.id), '[]'::jsonb) AS seats
  FROM screens sc WHERE sc.id = $1;

-- list-screens
SELECT sc.id, sc.cinema_id, sc.name, sc.total_seats, sc.turnaround_minutes, sc.auto_plan,
       coalesce((SELECT jsonb_agg(jsonb_build_object('seat_number', ss.seat_number, 'row_index', ss.row_index, 'row_label', ss.row_label,
                                                     'place', ss.place, 'label', ss.label, 'kind', ss.kind) ORDER BY ss.seat_number)
                   FROM screen_seats ss WHERE ss.screen_id = sc.id), '[]'::jsonb) AS seats
  FROM screens sc WHERE $1::int IS NULL OR sc.cinema_id = $1 ORDER BY sc.cinema_id, sc.name_key;

-- insert-screen
WITH made AS (
  INSERT INTO screens (cinema_id, name, name_key, total_seats, turnaround_minutes)
  VALUES ($1, btrim($2), lower(btrim(regexp_replace($2::varchar, '\s+', ' ', 'g'))), cardinality($4::int[]), $3)
  ON CONFLICT (cinema_id, name_key) DO NOTHING
  RETURNING id
), plan AS (
  INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
  SELECT m.id, p.* FROM made m, (SELECT p.* FROM unnest($4::int[], $5::int[], $6::varchar[], $7::int[], $8::varchar[], $9::varchar[])
    AS p(seat_number, row_index, row_label, place, label, kind)) p
)
SELECT id FROM made;

-- ensure-named-screen
WITH made AS (
  INSERT INTO screens (cinema_id, name, name_key, total_seats, auto_plan)
  VALUES ($1, btrim($2), lower(btrim(regexp_replace($2::varchar, '\s+', ' ', 'g'))), cardinality($3::int[]), true)
  ON CONFLICT (cinema_id, name_key) DO NOTHING
  RETURNING id
), plan AS (
  INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
  SELECT m.id, p.* FROM made m, (SELECT p.* FROM unnest($3::int[], $4::int[], $5::varchar[], $6::int[], $7::varchar[], $8::varchar[])
    AS p(seat_number, row_index, row_label, place, label, kind)) p
)
SELECT coalesce((SELECT id FROM made), 0) AS made;

-- lock-named-screen
SELECT id, name, total_seats, turnaround_minutes, auto_plan FROM screens WHERE cinema_id = $1 AND name_key = lower(btrim(regexp_replace($2::varchar, '\s+', ' ', 'g'))) FOR KEY SHARE;

-- share-screen
SELECT id, name, total_seats, turnaround_minutes, auto_plan FROM screens WHERE id = $1 FOR KEY SHARE;

-- lock-screen-to-grow
SELECT total_seats FROM screens WHERE id = $1 FOR NO KEY UPDATE;

-- grow-screen
WITH grown AS (
  UPDATE screens SET total_seats = cardinality($2::int[]) WHERE id = $1
)
INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
SELECT $1, p.* FROM (SELECT p.* FROM unnest($2::int[], $3::int[], $4::varchar[], $5::int[], $6::varchar[], $7::varchar[])
    AS p(seat_number, row_index, row_label, place, label, kind)) p;

-- lock-screen
WITH sc AS (SELECT id, cinema_id, name FROM screens WHERE id = $1 FOR UPDATE)
SELECT sc.id, sc.cinema_id, sc.name,
       (SELECT count(*)::int FROM shows sh WHERE sh.screen_id = sc.id) AS shows,
       (SELECT count(*)::int FROM shows sh WHERE sh.screen_id = sc.id AND sh.date_time > $2 AND sh.status = 'scheduled') AS future_shows,
       (SELECT coalesce(max(sh.total_seats), 0)::int FROM shows sh WHERE sh.screen_id = sc.id AND sh.date_time > $2 AND sh.status = 'scheduled') AS most_future_seats,
       EXISTS (SELECT 1 FROM shows sh JOIN seats s ON s.show_id = sh.id
                WHERE sh.screen_id = sc.id AND sh.date_time > $2 AND sh.status = 'scheduled' AND (s.booking_id IS NOT NULL OR (s.hold_id IS NOT NULL AND s.hold_expires_at > $2))) AS future_seats_taken
  FROM sc;

-- update-screen
WITH sc AS (
  UPDATE screens SET name = coalesce(btrim($2), name), name_key = coalesce(lower(btrim(regexp_replace($2::varchar, '\s+', ' ', 'g'))), name_key),
                     turnaround_minutes = coalesce($3, turnaround_minutes)
   WHERE id = $1
  RETURNING id, name, turnaround_minutes
), renamed AS (
  UPDATE shows sh SET screen_name = sc.name FROM sc WHERE sh.screen_id = sc.id AND sh.screen_name <> sc.name
), moved AS (
  UPDATE shows sh SET free_at = sh.ends_at + make_interval(mins => sc.turnaround_minutes)
    FROM sc WHERE sh.screen_id = sc.id AND sh.free_at > $4 AND sh.free_at <> sh.ends_at + make_interval(mins => sc.turnaround_minutes)
)
SELECT id FROM sc;

-- delete-plan
DELETE FROM screen_seats WHERE screen_id = $1;

-- replace-plan (reports events, announced after commit)
WITH resized AS (
  UPDATE screens SET total_seats = cardinality($3::int[]) WHERE id = $1
), plan AS (SELECT p.* FROM unnest($3::int[], $4::int[], $5::varchar[], $6::int[], $7::varchar[], $8::varchar[])
    AS p(seat_number, row_index, row_label, place, label, kind)
), kept AS (
  INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label, kind)
  SELECT $1, p.* FROM plan p
), relabelled AS (
  UPDATE seats s SET row_index = p.row_index, row_label = p.row_label, place = p.place, label = p.label, kind = p.kind
    FROM shows sh, plan p
   WHERE sh.screen_id = $1 AND sh.date_time > $2 AND sh.status = 'scheduled' AND s.show_id = sh.id AND p.seat_number = s.seat_number
  RETURNING s.show_id
)
SELECT DISTINCT show_id FROM relabelled;

-- delete-screen
DELETE FROM screens WHERE id = $1 RETURNING id;
