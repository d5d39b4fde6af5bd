-- rendered from src/bookings/sql/book-seats.ts by src/database/statements.spec.ts

-- book-seats (reports events, announced after commit)
WITH wanted AS (
  SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) AS w(req, user_id, show_id, seat_number)
), locked AS (
  SELECT s.show_id, s.seat_number, s.total_seats, s.label, s.kind, s.show_status, s.booking_id, s.hold_id, s.held_by, s.hold_expires_at
    FROM seats s JOIN wanted w ON s.show_id = w.show_id AND s.seat_number = w.seat_number
   ORDER BY s.show_id, s.seat_number
     FOR UPDATE OF s
), judged AS (
  SELECT w.req, w.user_id, w.show_id, w.seat_number, l.total_seats, l.label, coalesce((sh.prices_by_kind ->> l.kind)::int, sh.price) AS price, CASE
      WHEN sh.id IS NULL THEN 1
      WHEN (coalesce(l.show_status, sh.status) = 'cancelled') THEN 2
      WHEN l.seat_number IS NULL THEN 3
      WHEN (sh.date_time <= $5) THEN 4
      WHEN coalesce((sh.prices_by_kind ->> l.kind)::int, sh.price) > 0 AND $7::int IS NULL THEN 5
      WHEN l.booking_id IS NOT NULL THEN 6
      WHEN ((l.hold_id IS NOT NULL AND l.hold_expires_at > $5) AND l.held_by IS DISTINCT FROM w.user_id) THEN 7
      ELSE 9 END AS rank
    FROM wanted w
    LEFT JOIN shows sh ON sh.id = w.show_id
    LEFT JOIN locked l ON l.show_id = w.show_id AND l.seat_number = w.seat_number
), verdicts AS (
  SELECT req, min(show_id) AS show_id, min(rank) AS rank FROM judged GROUP BY req
),
owned AS (
  SELECT r.req, count(b.id)::int AS booked, r.wanted
    FROM (SELECT req, min(user_id) AS user_id, min(show_id) AS show_id, count(*) AS wanted FROM wanted GROUP BY req) r
    LEFT JOIN bookings b ON b.user_id = r.user_id AND b.show_id = r.show_id AND b.status = 'booked'
   GROUP BY r.req, r.wanted
), created AS (
  INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status, created_at, price, order_id)
  SELECT j.user_id, j.show_id, j.seat_number, j.label, 'booked', $5, j.price, $7
    FROM judged j JOIN verdicts v ON v.req = j.req JOIN owned o ON o.req = j.req
   WHERE v.rank = 9 AND o.booked + o.wanted <= $6
   ORDER BY j.show_id, j.seat_number
  RETURNING id, user_id, show_id, seat_number, status, created_at, cancelled_at, ticket_code, seat_label, checked_in_at, price, order_id
), seated AS (
  UPDATE seats s SET booking_id = c.id, hold_id = NULL, held_by = NULL, hold_expires_at = NULL
    FROM created c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number
), confirmations AS (
  INSERT INTO pgboss.job (name, data, policy, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter)
  SELECT 'mail.bookings-confirmed', j.data, q.policy, q.retry_limit, q.retry_delay, q.retry_backoff,
         q.expire_seconds * interval '1 second', now() + coalesce(q.retention_minutes * interval '1 minute', interval '14 days'), q.dead_letter
    FROM (SELECT jsonb_build_object('bookingIds', jsonb_agg(c.id ORDER BY c.id)) AS data
     FROM created c JOIN wanted w ON w.show_id = c.show_id AND w.seat_number = c.seat_number
    GROUP BY w.req) j
    LEFT JOIN pgboss.queue q ON q.name = 'mail.bookings-confirmed'
)
SELECT v.req, CASE WHEN v.rank = 9 AND o.booked + o.wanted > $6 THEN 'BOOKING_LIMIT_EXCEEDED' ELSE r.refusal END AS refusal,
       r.seats, r.seat_labels, r.total_seats, o.booked, c.*
  FROM verdicts v
  JOIN owned o ON o.req = v.req
 CROSS JOIN LATERAL (SELECT CASE v.rank
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
    CASE WHEN v.rank = 3 THEN (SELECT t.total_seats FROM shows t WHERE t.id = v.show_id) END AS total_seats) r
  LEFT JOIN (created c JOIN wanted w ON w.show_id = c.show_id AND w.seat_number = c.seat_number) ON w.req = v.req
 ORDER BY v.req, c.seat_number;

-- lock-customer-shows
SELECT count(pg_advisory_xact_lock(p.user_id, p.show_id))::int AS locked
  FROM (SELECT DISTINCT q.user_id::int AS user_id, q.show_id::int AS show_id FROM (SELECT * FROM unnest($1::int[], $2::int[]) AS t(user_id, show_id)) AS q ORDER BY user_id, show_id) AS p;
