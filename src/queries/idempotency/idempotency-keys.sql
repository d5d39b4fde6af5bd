-- rendered from src/idempotency/sql/idempotency-keys.ts by src/database/statements.spec.ts

-- claim-idempotency-key
INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, created_at)
VALUES ($1, $2, $3, 'in_progress', $4)
ON CONFLICT (user_id, key) DO UPDATE
  SET request_hash = EXCLUDED.request_hash, status = 'in_progress',
      response_status = NULL, response_body = NULL, created_at = EXCLUDED.created_at
WHERE k.created_at <= $5
   OR (k.status = 'in_progress' AND k.created_at <= $6 AND k.request_hash = EXCLUDED.request_hash)
RETURNING 1 AS claimed;

-- read-idempotency-key
SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2;

-- complete-idempotency-key
UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4::json
 WHERE user_id = $1 AND key = $2;

-- release-idempotency-key
DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'in_progress';

-- delete-expired-idempotency-keys
WITH due AS (
  SELECT user_id, key FROM idempotency_keys WHERE created_at <= $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM idempotency_keys k USING due WHERE k.user_id = due.user_id AND k.key = due.key RETURNING 1
)
SELECT count(*)::int AS deleted FROM gone;
