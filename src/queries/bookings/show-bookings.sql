-- rendered from src/bookings/sql/show-bookings.ts by src/database/statements.spec.ts

-- show-bookings
SELECT b.id, b.seat_number, b.seat_label, b.status, CASE WHEN o.customer_email IS NULL THEN u.username END AS username, coalesce(o.customer_email, u.email) AS email,
       b.price, b.order_id, b.checked_in_at, b.created_at
  FROM bookings b
  JOIN users u ON u.id = b.user_id
  LEFT JOIN orders o ON o.id = b.order_id
 WHERE b.show_id = $1 AND ($2::text IS NULL OR b.status = $2)
 ORDER BY b.seat_number, b.id
 LIMIT $3 OFFSET $4;

-- count-show-bookings
SELECT (SELECT count(*) FROM bookings b WHERE b.show_id = sh.id AND ($2::text IS NULL OR b.status = $2))::int AS total
  FROM shows sh
 WHERE sh.id = $1;
