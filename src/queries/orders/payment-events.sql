-- rendered from src/orders/sql/payment-events.ts by src/database/statements.spec.ts

-- record-payment-event
INSERT INTO payment_events (provider, event_id, type, received_at) VALUES ($1, $2, left($3, 64), $4)
ON CONFLICT DO NOTHING
RETURNING event_id;

-- payment-event-recorded
SELECT EXISTS (SELECT 1 FROM payment_events WHERE provider = $1 AND event_id = $2) AS recorded;
