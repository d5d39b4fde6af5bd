-- rendered from src/bookings/sql/cancel-booking.ts by src/database/statements.spec.ts

-- cancel-booking (reports events, announced after commit)
WITH locked AS (
  SELECT b.id, b.user_id, b.status, b.checked_in_at, (sh.date_time <= $2::timestamptz) AS started,
         b.order_id IS NOT NULL AND b.price > 0 AS paid, sh.date_time - $5 * interval '1 minute' <= $2::timestamptz AS past_cutoff
    FROM bookings b
    JOIN seats s ON s.show_id = b.show_id AND s.seat_number = b.seat_number
    JOIN shows sh ON sh.id = b.show_id
   WHERE b.id = $1
     FOR UPDATE OF s, b
), decided AS (
  SELECT l.id AS booking_id, CASE
           WHEN l.id IS NULL THEN 'BOOKING_NOT_FOUND'
           WHEN NOT (l.user_id = $3::int OR $4::boolean) THEN 'NOT_BOOKING_OWNER'
           WHEN l.status = 'cancelled' THEN 'ALREADY_CANCELLED'
           WHEN l.checked_in_at IS NOT NULL THEN 'CHECKED_IN'
           WHEN l.started AND NOT (l.paid AND $4) THEN 'SHOW_STARTED'
           WHEN l.paid AND NOT $4 AND l.past_cutoff THEN 'REFUND_CUTOFF_PASSED'
         END AS refusal
    FROM (SELECT 1) AS one
    LEFT JOIN locked l ON true
), cancelled AS (
  UPDATE bookings b SET status = 'cancelled', cancelled_at = $2::timestamptz
    FROM decided d
   WHERE b.id = d.booking_id AND d.refusal IS NULL
  RETURNING id, user_id, show_id, seat_number, status, created_at, cancelled_at, ticket_code, seat_label, checked_in_at, price, order_id
), freed AS (
  UPDATE seats s SET booking_id = NULL
    FROM cancelled c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number AND s.booking_id = c.id
)
SELECT d.refusal, d.booking_id, c.*
  FROM decided d
  LEFT JOIN cancelled c ON true;

-- cancel-show-bookings (reports events, announced after commit)
WITH cancelled AS (
  UPDATE bookings b SET status = 'cancelled', cancelled_at = $2::timestamptz
   WHERE b.show_id = $1 AND b.status = 'booked'
  RETURNING id, user_id, show_id, seat_number, status, created_at, cancelled_at, ticket_code, seat_label, checked_in_at, price, order_id
), freed AS (
  UPDATE seats s SET booking_id = NULL
    FROM cancelled c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number AND s.booking_id = c.id
)
SELECT * FROM cancelled ORDER BY user_id, seat_number;
