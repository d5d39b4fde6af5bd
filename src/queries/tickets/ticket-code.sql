-- rendered from src/tickets/sql/ticket-code.ts by src/database/statements.spec.ts

-- ticket-code
SELECT CASE
         WHEN b.id IS NULL THEN 'BOOKING_NOT_FOUND'
         WHEN NOT (b.user_id = $2::int OR $3::boolean) THEN 'NOT_BOOKING_OWNER'
       END AS refusal,
       CASE WHEN (b.user_id = $2::int OR $3::boolean) THEN b.ticket_code END AS ticket_code
  FROM (SELECT 1) AS one
  LEFT JOIN bookings b ON b.id = $1;
