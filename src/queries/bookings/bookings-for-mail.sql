-- rendered from src/bookings/sql/bookings-for-mail.ts by src/database/statements.spec.ts

-- bookings-for-mail
SELECT b.id, b.status, b.seat_label, b.ticket_code,
       CASE WHEN o.customer_email IS NULL THEN u.username END AS username, coalesce(o.customer_email, u.email) AS email,
       b.price, coalesce(o.currency, sh.currency) AS currency, o.provider,
       m.title, sh.screen_name, sh.date_time, sh.ends_at, c.time_zone
  FROM bookings b
  JOIN users u ON u.id = b.user_id
  LEFT JOIN orders o ON o.id = b.order_id
  JOIN shows sh ON sh.id = b.show_id
  JOIN movies m ON m.id = sh.movie_id
  JOIN screens sc ON sc.id = sh.screen_id
  JOIN cinemas c ON c.id = sc.cinema_id
 WHERE b.id = ANY ($1::int[])
 ORDER BY b.seat_number;
