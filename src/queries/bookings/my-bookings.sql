-- rendered from src/bookings/sql/my-bookings.ts by src/database/statements.spec.ts

-- my-bookings
SELECT b.id, b.user_id, b.show_id, b.seat_number, b.status, b.created_at, b.cancelled_at, b.ticket_code, b.seat_label, b.checked_in_at, b.price, b.order_id,
       m.title AS movie_title, sh.screen_name, sh.date_time, sh.total_seats, sh.status AS show_status
  FROM bookings b JOIN shows sh ON sh.id = b.show_id JOIN movies m ON m.id = sh.movie_id
 WHERE b.user_id = $1 AND ($2::text IS NULL OR b.status = $2) AND ($3::int IS NULL OR b.show_id = $3)
 ORDER BY b.created_at DESC, b.id DESC
 LIMIT $4 OFFSET $5;

-- count-my-bookings
SELECT count(*)::int AS total FROM bookings WHERE user_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::int IS NULL OR show_id = $3);
