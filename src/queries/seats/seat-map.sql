-- rendered from src/seats/sql/seat-map.ts by src/database/statements.spec.ts

-- seat-map
SELECT s.seat_number, s.label, s.row_index, s.row_label, s.place, s.kind, CASE WHEN s.booking_id IS NOT NULL THEN 'booked' WHEN (s.hold_id IS NOT NULL AND s.hold_expires_at > $2) THEN 'held' ELSE 'available' END AS status,
       CASE WHEN (s.hold_id IS NOT NULL AND s.hold_expires_at > $2) AND NOT s.booking_id IS NOT NULL THEN s.hold_expires_at END AS expires_at,
       CASE WHEN s.seat_number = 1 THEN s.show_status END AS show_status
  FROM seats s WHERE s.show_id = $1
 ORDER BY s.seat_number;
