import { statement } from '../../database/statement';

export interface ResetRecipient {
  user_id: number;
  username: string;
  email: string;
}

/**
 * A token for every account with this address (each gets its own message).
 * The hashes come in as an array of the caller's making, one more than can be
 * needed; a row per account takes one in order. The address is compared
 * case-insensitively, as mail systems do.
 */
export const ISSUE_RESET_TOKENS = statement<[email: string, tokenHashes: string[], now: Date, expiresAt: Date], ResetRecipient & { token_hash: string }>({
  name: 'issue-reset-tokens',
  text: `
WITH accounts AS (
  SELECT id, username, email, row_number() OVER (ORDER BY id) AS n FROM users WHERE lower(email) = lower($1) ORDER BY id LIMIT cardinality($2::text[])
), issued AS (
  INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at)
  SELECT ($2::text[])[a.n], a.id, $3, $4 FROM accounts a
  RETURNING token_hash, user_id
)
SELECT i.token_hash, a.id AS user_id, a.username, a.email FROM issued i JOIN accounts a ON a.id = i.user_id`,
});

export type ResetRefusal = 'RESET_TOKEN_INVALID' | 'RESET_TOKEN_USED' | 'RESET_TOKEN_EXPIRED';

/**
 * Uses a token (once): sets the new password hash and ends every session of
 * the account, in one statement, or says why not. The row is locked, so two
 * uses of one token at once give one success.
 */
export const USE_RESET_TOKEN = statement<[tokenHash: string, passwordHash: string, now: Date], { refusal: ResetRefusal | null; user_id: number | null }>({
  name: 'use-reset-token',
  text: `
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
SELECT v.refusal, v.user_id FROM verdict v`,
});
