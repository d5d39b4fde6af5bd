import { statement } from '../../database/statement';
import type { AuthUser } from '../../common/decorators/auth.decorators';

// Every time here is the Clock's `now`, a parameter: never the database's now(), so tests that move the clock move expiry too.

export const INSERT_REFRESH_TOKEN = statement<[tokenId: string, userId: number, expiresAt: Date, now: Date], never>({
  name: 'insert-refresh-token',
  text: `INSERT INTO refresh_tokens (id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)`,
});

/** Uses up a live refresh token (rotation): its user, or nothing when it was revoked, expired or never issued. */
export const USE_REFRESH_TOKEN = statement<[tokenId: string, now: Date], AuthUser>({
  name: 'use-refresh-token',
  text: `
UPDATE refresh_tokens t SET revoked_at = $2
  FROM users u
 WHERE t.id = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > $2
RETURNING u.id, u.username, u.role`,
});

/** A used token presented again has leaked: every session of its user ends. */
export const REVOKE_SESSIONS_OF_REUSED = statement<[tokenId: string, now: Date], never>({
  name: 'revoke-sessions-of-reused',
  text: `
UPDATE refresh_tokens SET revoked_at = $2
 WHERE revoked_at IS NULL AND user_id = (SELECT user_id FROM refresh_tokens WHERE id = $1 AND revoked_at IS NOT NULL)`,
});

export const REVOKE_REFRESH_TOKEN = statement<[tokenId: string, now: Date], never>({
  name: 'revoke-refresh-token',
  text: `UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
});
