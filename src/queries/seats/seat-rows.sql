-- rendered from src/seats/sql/seat-rows.ts by src/database/statements.spec.ts

-- add-seat-rows (reports events, announced after commit)
INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label, kind)
SELECT $1, ss.seat_number, $3, ss.row_index, ss.row_label, ss.place, ss.label, ss.kind
  FROM shows sh JOIN screen_seats ss ON ss.screen_id = sh.screen_id
 WHERE sh.id = $1 AND ss.seat_number BETWEEN $2 AND $3;

-- add-laid-out-seat-rows (reports events, announced after commit)
INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label)
SELECT $1, n, $3, at.r, CASE WHEN at.r < 26 THEN chr(65 + at.r) ELSE chr(64 + at.r / 26) || chr(65 + at.r % 26) END, at.p, CASE WHEN at.r < 26 THEN chr(65 + at.r) ELSE chr(64 + at.r / 26) || chr(65 + at.r % 26) END || (at.p + 1)
  FROM generate_series($2::int, $3::int) AS n, LATERAL (SELECT (n - 1) / (($3::int + (($3::int + 19) / 20) - 1) / (($3::int + 19) / 20)) AS r, (n - 1) % (($3::int + (($3::int + 19) / 20) - 1) / (($3::int + 19) / 20)) AS p) AS at;

-- lay-out-seat-rows (reports events, announced after commit)
UPDATE seats s SET row_index = ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))), row_label = CASE WHEN ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) < 26 THEN chr(65 + ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20)))) ELSE chr(64 + ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) / 26) || chr(65 + ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) % 26) END, place = ((s.seat_number - 1) % ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))),
                   label = CASE WHEN ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) < 26 THEN chr(65 + ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20)))) ELSE chr(64 + ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) / 26) || chr(65 + ((s.seat_number - 1) / ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) % 26) END || (((s.seat_number - 1) % ((s.total_seats + ((s.total_seats + 19) / 20) - 1) / ((s.total_seats + 19) / 20))) + 1), kind = 'standard'
 WHERE s.show_id = $1;

-- relabel-seat-rows (reports events, announced after commit)
UPDATE seats s SET row_index = ss.row_index, row_label = ss.row_label, place = ss.place, label = ss.label, kind = ss.kind
  FROM shows sh JOIN screen_seats ss ON ss.screen_id = sh.screen_id
 WHERE sh.id = $1 AND s.show_id = $1 AND ss.seat_number = s.seat_number;

-- lock-show-seats
SELECT s.seat_number, s.seat_number > $2 AND (s.booking_id IS NOT NULL OR (s.hold_id IS NOT NULL AND s.hold_expires_at > $3)) AS taken, s.booking_id IS NOT NULL AS booked, (s.hold_id IS NOT NULL AND s.hold_expires_at > $3) AS held
  FROM seats s WHERE s.show_id = $1
 ORDER BY s.seat_number
   FOR UPDATE;

-- remove-seat-rows (reports events, announced after commit)
DELETE FROM seats WHERE show_id = $1 AND seat_number > $2;
