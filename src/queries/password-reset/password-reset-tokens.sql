-- rendered from src/password-reset/sql/password-reset-tokens.ts by src/database/statements.spec.ts

-- issue-reset-tokens
WITH accounts AS (
  SELECT id, username, email, row_number() OVER (ORDER BY id) AS n FROM users WHERE lower(email) = lower($1) ORDER BY id LIMIT cardinality($2::text[])
), issued AS (
  INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at)
  SELECT ($2::text[])[a.n], a.id, $3, $4 FROM accounts a
  RETURNING token_hash, user_id
)
SELECT i.token_hash, a.id AS user_id, a.username, a.email FROM issued i JOIN accounts a ON a.id = i.user_id;

-- use-reset-token
WITH token AS (
  SELECT token_hash, user_id, used_at, expires_at FROM password_reset_tokens WHERE token_hash = $1 FOR UPDATE
), verdict AS (
  SELECT CASE
           WHEN t.token_hash IS NULL THEN 'RESET_TOKEN_INVALID'
           WHEN t.used_at IS NOT NULL THEN 'RESET_TOKEN_USED'
           WHEN t.expires_at <= $3 THEN 'RESET_TOKEN_EXPIRED'
         END AS refusal, t.user_id
    FROM (SELECT 1) one LEFT JOIN token t ON true
), used AS (
  UPDATE password_reset_tokens p SET used_at = $3 FROM verdict v WHERE v.refusal IS NULL AND p.token_hash = $1 RETURNING p.user_id
), changed AS (
  UPDATE users u SET password_hash = $2 FROM used WHERE u.id = used.user_id RETURNING u.id
), revoked AS (
  UPDATE refresh_tokens r SET revoked_at = $3 FROM changed WHERE r.user_id = changed.id AND r.revoked_at IS NULL RETURNING r.id
), spent AS (
  -- Every other token of the account dies with the password it was for.
  UPDATE password_reset_tokens p SET used_at = $3 FROM changed WHERE p.user_id = changed.id AND p.used_at IS NULL AND p.token_hash <> $1 RETURNING 1
)
SELECT v.refusal, v.user_id FROM verdict v;
