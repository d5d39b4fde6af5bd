-- rendered from src/bookings/sql/cancel-booking.ts by src/database/statements.spec.ts

-- lock-booking
SELECT b.user_id, b.status, (sh.date_time <= $2) AS started
  FROM bookings b
  JOIN seats s ON s.show_id = b.show_id AND s.seat_number = b.seat_number
  JOIN shows sh ON sh.id = b.show_id
 WHERE b.id = $1
   FOR UPDATE OF s, b;

-- cancel-booking (reports events, announced after commit)
WITH cancelled AS (
  UPDATE bookings SET status = 'cancelled', cancelled_at = $2 WHERE id = $1
  RETURNING id, user_id, show_id, seat_number, status, created_at, cancelled_at
), freed AS (
  UPDATE seats s SET booking_id = NULL
    FROM cancelled c
   WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number AND s.booking_id = c.id
)
SELECT * FROM cancelled;
