import { statement } from '../../database/statement';

export interface StoredKey {
  request_hash: string;
  status: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: unknown;
}

/**
 * Claims the key for this request. The primary key (user_id, key) makes
 * exactly one concurrent claim win, across any number of instances; a key older
 * than `expiredBefore`, or abandoned in progress before `abandonedBefore` with
 * the same request, is taken over.
 */
export const CLAIM_KEY = statement<
  [userId: number, key: string, requestHash: string, now: Date, expiredBefore: Date, abandonedBefore: Date],
  { claimed: number }
>({
  name: 'claim-idempotency-key',
  text: `
INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, created_at)
VALUES ($1, $2, $3, 'in_progress', $4)
ON CONFLICT (user_id, key) DO UPDATE
  SET request_hash = EXCLUDED.request_hash, status = 'in_progress',
      response_status = NULL, response_body = NULL, created_at = EXCLUDED.created_at
WHERE k.created_at <= $5
   OR (k.status = 'in_progress' AND k.created_at <= $6 AND k.request_hash = EXCLUDED.request_hash)
RETURNING 1 AS claimed`,
});

export const READ_KEY = statement<[userId: number, key: string], StoredKey>({
  name: 'read-idempotency-key',
  text: `SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
});

export const COMPLETE_KEY = statement<[userId: number, key: string, status: number, body: string], never>({
  name: 'complete-idempotency-key',
  text: `
UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4::json
 WHERE user_id = $1 AND key = $2`,
});

/** The request failed in a way a retry may fix (5xx, lost connection): the key is free again. */
export const RELEASE_KEY = statement<[userId: number, key: string], never>({
  name: 'release-idempotency-key',
  text: `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'in_progress'`,
});

/**
 * Deletes up to `batch` expired keys. SKIP LOCKED: rows another instance is
 * deleting (or a request is claiming) are left to it, so every instance may
 * clean up at once without waiting on the others; small batches keep each
 * statement short.
 */
export const DELETE_EXPIRED_KEYS = statement<[expiredBefore: Date, batch: number], { deleted: number }>({
  name: 'delete-expired-idempotency-keys',
  text: `
WITH due AS (
  SELECT user_id, key FROM idempotency_keys WHERE created_at <= $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM idempotency_keys k USING due WHERE k.user_id = due.user_id AND k.key = due.key RETURNING 1
)
SELECT count(*)::int AS deleted FROM gone`,
});
