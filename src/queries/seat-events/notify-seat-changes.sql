-- rendered from src/seat-events/sql/notify-seat-changes.ts by src/database/statements.spec.ts

-- notify-seat-changes
SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)::text AS notified;
