-- rendered from src/bookings/holds/sql/end-holds.ts by src/database/statements.spec.ts

-- lock-holder-show
SELECT count(pg_advisory_xact_lock(p.user_id, p.show_id))::int AS locked
  FROM (SELECT DISTINCT q.user_id::int AS user_id, q.show_id::int AS show_id FROM (SELECT user_id, show_id FROM holds WHERE id = $1) AS q ORDER BY user_id, show_id) AS p;

-- share-hold-show
SELECT sh.id FROM shows sh WHERE sh.id = (SELECT show_id FROM holds WHERE id = $1) FOR KEY SHARE;

-- lock-hold-to-confirm
WITH locked AS (
  SELECT id, user_id, show_id, seat_numbers, status, expires_at FROM holds WHERE id = $1 FOR UPDATE
)
SELECT CASE WHEN h.id IS NULL THEN 'HOLD_NOT_FOUND'
           WHEN NOT (h.user_id = $3::int OR $4::boolean) THEN 'NOT_HOLD_OWNER'
           WHEN h.status = 'confirmed' THEN 'HOLD_ALREADY_CONFIRMED'
           WHEN (sh.status = 'cancelled') THEN 'SHOW_CANCELLED'
           WHEN h.status = 'released' THEN 'HOLD_RELEASED'
           WHEN h.status = 'expired' OR h.expires_at <= $2::timestamptz THEN 'HOLD_EXPIRED'
         END AS refusal, h.*
  FROM (SELECT 1) AS one
  LEFT JOIN locked h ON true
  LEFT JOIN shows sh ON sh.id = h.show_id;

-- mark-hold-confirmed
UPDATE holds SET status = 'confirmed' WHERE id = $1 RETURNING id;

-- lock-hold-order
SELECT id FROM orders WHERE hold_id = $1 AND status IN ('pending', 'failed') FOR UPDATE;

-- release-hold (reports events, announced after commit)
WITH locked AS (
  SELECT id, user_id, status, expires_at FROM holds WHERE id = $1 FOR UPDATE
), decided AS (
  SELECT h.id,
         CASE WHEN h.id IS NULL THEN 'HOLD_NOT_FOUND'
           WHEN NOT (h.user_id = $3::int OR $4::boolean) THEN 'NOT_HOLD_OWNER'
           WHEN h.status = 'confirmed' THEN 'HOLD_ALREADY_CONFIRMED'
         END AS refusal,
         CASE WHEN h.status = 'active' THEN CASE WHEN h.expires_at <= $2::timestamptz THEN 'expired' ELSE 'released' END END AS ending
    FROM (SELECT 1) AS one
    LEFT JOIN locked h ON true
), ended AS (
  UPDATE holds h SET status = d.ending, ended_at = CASE WHEN d.ending = 'expired' THEN h.expires_at ELSE $2::timestamptz END
    FROM decided d
   WHERE h.id = d.id AND d.refusal IS NULL AND d.ending IS NOT NULL
  RETURNING h.id, h.status
), order_ended AS (
  UPDATE orders o SET status = 'expired' FROM ended e WHERE o.hold_id = e.id AND o.status IN ('pending', 'failed')
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
SELECT d.refusal, e.status AS ended, f.show_id, f.seats
  FROM decided d
  LEFT JOIN ended e ON true
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true;

-- expire-due-holds (reports events, announced after commit)
WITH due AS (
  SELECT id FROM holds WHERE status = 'active' AND holds.expires_at <= $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
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

-- end-show-holds (reports events, announced after commit)
WITH due AS (
  SELECT id FROM holds WHERE show_id = $1 AND status = 'active' ORDER BY id FOR UPDATE
), ended AS (
  UPDATE holds h SET status = CASE WHEN h.expires_at <= $2::timestamptz THEN 'expired' ELSE 'released' END,
                     ended_at = CASE WHEN h.expires_at <= $2::timestamptz THEN h.expires_at ELSE $2::timestamptz END
    FROM due WHERE h.id = due.id
  RETURNING h.id, h.status
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
SELECT (SELECT count(*)::int FROM ended WHERE status = 'released') AS released,
       (SELECT count(*)::int FROM ended WHERE status = 'expired') AS expired, f.show_id, f.seats
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT show_id, array_agg(seat_number ORDER BY seat_number) AS seats FROM freed GROUP BY show_id) f ON true;
