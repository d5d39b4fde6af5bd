-- rendered from src/bookings/holds/sql/my-holds.ts by src/database/statements.spec.ts

-- my-holds
SELECT id, user_id, show_id, seat_numbers, status, expires_at
  FROM holds
 WHERE user_id = $2 AND status = 'active' AND expires_at > $1 AND ($3::int IS NULL OR show_id = $3)
 ORDER BY expires_at, id
 LIMIT $4 OFFSET $5;

-- count-my-holds
SELECT count(*)::int AS total FROM holds WHERE user_id = $2 AND status = 'active' AND expires_at > $1 AND ($3::int IS NULL OR show_id = $3);
