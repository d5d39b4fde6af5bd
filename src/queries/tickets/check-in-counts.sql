-- rendered from src/tickets/sql/check-in-counts.ts by src/database/statements.spec.ts

-- check-in-counts
SELECT sh.id AS show_id, count(b.checked_in_at)::int AS admitted, count(b.id)::int AS expected
  FROM shows sh
  LEFT JOIN bookings b ON b.show_id = sh.id AND b.status = 'booked'
 WHERE sh.id = $1
 GROUP BY sh.id;
