import { statement } from '../../database/statement';
import type { AuthUser } from '../../common/decorators/auth.decorators';

export const INSERT_REFRESH_TOKEN = statement<[tokenId: string, userId: number, expiresAt: Date], never>({
  name: 'insert-refresh-token',
  text: `INSERT INTO refresh_tokens (id, user_id, expires_at) VALUES ($1, $2, $3)`,
});

/** Uses up a live refresh token (rotation): its user, or nothing when it was revoked, expired or never issued. */
export const USE_REFRESH_TOKEN = statement<[tokenId: string], AuthUser>({
  name: 'use-refresh-token',
  text: `
UPDATE refresh_tokens t SET revoked_at = now()
  FROM users u
 WHERE t.id = $1 AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now()
RETURNING u.id, u.username, u.role`,
});

/** A used token presented again has leaked: every session of its user ends. */
export const REVOKE_SESSIONS_OF_REUSED = statement<[tokenId: string], never>({
  name: 'revoke-sessions-of-reused',
  text: `
UPDATE refresh_tokens SET revoked_at = now()
 WHERE revoked_at IS NULL AND user_id = (SELECT user_id FROM refresh_tokens WHERE id = $1 AND revoked_at IS NOT NULL)`,
});

export const REVOKE_REFRESH_TOKEN = statement<[tokenId: string], never>({
  name: 'revoke-refresh-token',
  text: `UPDATE refresh_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
});
