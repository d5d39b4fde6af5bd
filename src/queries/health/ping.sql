-- rendered from src/health/sql/ping.ts by src/database/statements.spec.ts

-- ping
SELECT 1 AS ok;
