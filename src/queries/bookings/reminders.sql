-- rendered from src/bookings/sql/reminders.ts by src/database/statements.spec.ts

-- mark-due-reminders
WITH due AS (
  SELECT b.id
    FROM bookings b
    JOIN shows sh ON sh.id = b.show_id
   WHERE b.status = 'booked'
     AND sh.status = 'scheduled'
     AND b.reminded_for IS DISTINCT FROM sh.date_time
     AND sh.date_time > $1
     AND sh.date_time <= $1 + make_interval(hours => $2)
     AND b.created_at <= sh.date_time - make_interval(hours => $2)
   ORDER BY b.id
   LIMIT 500
     FOR UPDATE OF b SKIP LOCKED
), marked AS (
  UPDATE bookings b SET reminded_for = sh.date_time
    FROM due, shows sh
   WHERE b.id = due.id AND sh.id = b.show_id
  RETURNING b.id, b.user_id, b.show_id
)
SELECT array_agg(id ORDER BY id) AS booking_ids FROM marked GROUP BY user_id, show_id;

-- moved-show-bookings
WITH booked AS (
  SELECT b.id, b.user_id, o.customer_email
    FROM bookings b
    LEFT JOIN orders o ON o.id = b.order_id
   WHERE b.show_id = $1 AND b.status = 'booked'
), reminded AS (
  UPDATE bookings b SET reminded_for = sh.date_time
    FROM booked, shows sh
   WHERE b.id = booked.id AND sh.id = b.show_id
     AND sh.date_time > $2
     AND sh.date_time <= $2 + make_interval(hours => $3)
  RETURNING b.id
)
SELECT array_agg(id ORDER BY id) AS booking_ids FROM booked GROUP BY user_id, customer_email ORDER BY min(id);
