-- rendered from src/bookings/sql/bookings-for-mail.ts by src/database/statements.spec.ts

-- bookings-for-mail
SELECT b.id, b.status, b.seat_label, b.ticket_code, u.username, u.email, m.title, sh.screen_name, sh.date_time, sh.ends_at
  FROM bookings b
  JOIN users u ON u.id = b.user_id
  JOIN shows sh ON sh.id = b.show_id
  JOIN movies m ON m.id = sh.movie_id
 WHERE b.id = ANY ($1::int[])
 ORDER BY b.seat_number;
