-- rendered from src/auth/sql/refresh-tokens.ts by src/database/statements.spec.ts

-- insert-refresh-token
INSERT INTO refresh_tokens (id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4);

-- use-refresh-token
UPDATE refresh_tokens t SET revoked_at = $2
  FROM users u
 WHERE t.id = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > $2
RETURNING u.id, u.username, u.role;

-- revoke-sessions-of-reused
UPDATE refresh_tokens SET revoked_at = $2
 WHERE revoked_at IS NULL AND user_id = (SELECT user_id FROM refresh_tokens WHERE id = $1 AND revoked_at IS NOT NULL);

-- revoke-refresh-token
UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL;
