-- rendered from src/seats/sql/seat-rows.ts by src/database/statements.spec.ts

-- add-seat-rows (reports events, announced after commit)
INSERT INTO seats (show_id, seat_number, total_seats)
SELECT $1, n, $3 FROM generate_series($2::int, $3::int) AS n;

-- lock-show-seats
SELECT s.seat_number, s.seat_number > $2 AND (s.booking_id IS NOT NULL OR (s.hold_id IS NOT NULL AND s.hold_expires_at > $3)) AS taken, s.booking_id IS NOT NULL AS booked, (s.hold_id IS NOT NULL AND s.hold_expires_at > $3) AS held
  FROM seats s WHERE s.show_id = $1
 ORDER BY s.seat_number
   FOR UPDATE;

-- remove-seat-rows (reports events, announced after commit)
DELETE FROM seats WHERE show_id = $1 AND seat_number > $2;
