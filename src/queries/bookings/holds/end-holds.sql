-- rendered from src/bookings/holds/sql/end-holds.ts by src/database/statements.spec.ts

-- lock-hold
SELECT id, user_id, show_id, seat_numbers, status, expires_at, expires_at <= $2 AS expired FROM holds WHERE id = $1 FOR UPDATE;

-- mark-hold-confirmed
UPDATE holds SET status = 'confirmed' WHERE id = $1 RETURNING id;

-- end-hold (reports events, announced after commit)
WITH ended AS (
  UPDATE holds SET status = $2::varchar, ended_at = CASE WHEN $2::varchar = 'expired' THEN expires_at ELSE $3::timestamptz END WHERE id = $1 RETURNING id
), held AS (
  SELECT s.show_id, s.seat_number, s.hold_id FROM seats s JOIN ended e ON s.hold_id = e.id
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), freed AS (
  UPDATE seats s SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM held h
   WHERE s.show_id = h.show_id AND s.seat_number = h.seat_number AND s.hold_id = h.hold_id
  RETURNING s.show_id, s.seat_number
)
SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id;

-- expire-due-holds (reports events, announced after commit)
WITH due AS (
  SELECT id FROM holds WHERE status = 'active' AND expires_at <= $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
), ended AS (
  UPDATE holds h SET status = 'expired', ended_at = h.expires_at FROM due WHERE h.id = due.id RETURNING h.id
), held AS (
  SELECT s.show_id, s.seat_number, s.hold_id FROM seats s JOIN ended e ON s.hold_id = e.id
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), freed AS (
  UPDATE seats s SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM held h
   WHERE s.show_id = h.show_id AND s.seat_number = h.seat_number AND s.hold_id = h.hold_id
  RETURNING s.show_id, s.seat_number
)
SELECT (SELECT count(*)::int FROM ended) AS expired, f.show_id, f.seats
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true;
