-- rendered from src/bookings/sql/judge-impossible-seats.ts by src/database/statements.spec.ts

-- judge-impossible-seats
WITH wanted AS (
  SELECT 0 AS req, NULL::int AS user_id, $1::int AS show_id, n AS seat_number FROM unnest($2::numeric[]) AS n
), locked AS (
  SELECT s.show_id, s.seat_number, s.total_seats, s.label, s.kind, s.show_status, s.booking_id, s.hold_id, s.held_by, s.hold_expires_at
    FROM seats s JOIN wanted w ON s.show_id = w.show_id AND s.seat_number = w.seat_number
), judged AS (
  SELECT w.req, w.user_id, w.show_id, w.seat_number, l.total_seats, l.label, coalesce((sh.prices_by_kind ->> l.kind)::int, sh.price) AS price, CASE
      WHEN sh.id IS NULL THEN 1
      WHEN (coalesce(l.show_status, sh.status) = 'cancelled') THEN 2
      WHEN l.seat_number IS NULL THEN 3
      WHEN (sh.date_time <= $3) THEN 4
      WHEN l.booking_id IS NOT NULL THEN 6
      WHEN ((l.hold_id IS NOT NULL AND l.hold_expires_at > $3) AND l.held_by IS DISTINCT FROM w.user_id) THEN 7
      ELSE 9 END AS rank
    FROM wanted w
    LEFT JOIN shows sh ON sh.id = w.show_id
    LEFT JOIN locked l ON l.show_id = w.show_id AND l.seat_number = w.seat_number
), verdicts AS (
  SELECT req, min(show_id) AS show_id, min(rank) AS rank FROM judged GROUP BY req
)
SELECT CASE v.rank
      WHEN 1 THEN 'SHOW_NOT_FOUND'
      WHEN 2 THEN 'SHOW_CANCELLED'
      WHEN 3 THEN 'SEAT_OUT_OF_RANGE'
      WHEN 4 THEN 'SHOW_STARTED'
      WHEN 5 THEN 'PAYMENT_REQUIRED'
      WHEN 6 THEN CASE WHEN
             EXISTS (SELECT 1 FROM judged j WHERE j.req = v.req AND j.rank <> 6)
          OR EXISTS (SELECT 1 FROM seats f WHERE f.show_id = v.show_id AND f.booking_id IS NULL
                        AND NOT EXISTS (SELECT 1 FROM judged j WHERE j.req = v.req AND j.seat_number = f.seat_number))
        THEN 'SEAT_TAKEN' ELSE 'SHOW_FULL' END
      WHEN 7 THEN 'SEAT_HELD'
    END AS refusal,
    CASE WHEN v.rank IN (3, 6, 7) THEN ARRAY(
      SELECT j.seat_number FROM judged j
       WHERE j.req = v.req AND j.rank BETWEEN v.rank AND CASE v.rank WHEN 6 THEN 7 ELSE v.rank END
       ORDER BY j.seat_number)
    END AS seats,
    CASE WHEN v.rank IN (6, 7) THEN ARRAY(
      SELECT j.label FROM judged j
       WHERE j.req = v.req AND j.rank BETWEEN v.rank AND 7
       ORDER BY j.seat_number)
    END AS seat_labels,
    CASE WHEN v.rank = 3 THEN (SELECT t.total_seats FROM shows t WHERE t.id = v.show_id) END AS total_seats FROM verdicts v;
