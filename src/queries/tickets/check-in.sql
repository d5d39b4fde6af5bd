-- rendered from src/tickets/sql/check-in.ts by src/database/statements.spec.ts

-- check-in
WITH ticket AS (
  SELECT b.id, b.show_id, b.seat_number, b.seat_label, b.status, b.checked_in_at,
         sh.date_time - make_interval(mins => $4::int) AS opens_at
    FROM bookings b JOIN shows sh ON sh.id = b.show_id
   WHERE b.ticket_code = $1
     FOR NO KEY UPDATE OF b
), decided AS (
  SELECT t.*, CASE
           WHEN t.id IS NULL THEN 'TICKET_NOT_FOUND'
           WHEN t.status = 'cancelled' THEN 'TICKET_CANCELLED'
           WHEN t.show_id <> $2::int THEN 'WRONG_SHOW'
           WHEN t.checked_in_at IS NOT NULL THEN 'ALREADY_CHECKED_IN'
           WHEN $3::timestamptz < t.opens_at THEN 'TOO_EARLY'
         END AS refusal
    FROM (SELECT 1) AS one
    LEFT JOIN ticket t ON true
), admitted AS (
  UPDATE bookings b SET checked_in_at = $3::timestamptz
    FROM decided d
   WHERE b.id = d.id AND d.refusal IS NULL
  RETURNING b.checked_in_at
)
SELECT d.refusal, d.id AS booking_id, d.show_id, d.seat_number, d.seat_label,
       coalesce(a.checked_in_at, d.checked_in_at) AS checked_in_at, d.opens_at
  FROM decided d
  LEFT JOIN admitted a ON true;
