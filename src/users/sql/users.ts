import { statement } from '../../database/statement';
import type { Role } from '../../common/decorators/auth.decorators';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  role: Role;
}

export interface UserWithHashRow extends UserRow {
  password_hash: string;
}

const USER_COLUMNS = 'id, username, email, role';

/** `usernameKey`: see usernameKey(); users_username_key_key refuses a name taken in any case or width. */
export const INSERT_USER = statement<[username: string, usernameKey: string, email: string, passwordHash: string], UserRow>({
  name: 'insert-user',
  text: `INSERT INTO users (username, username_key, email, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
});

export const USER_BY_ID = statement<[userId: number], UserRow>({
  name: 'user-by-id',
  text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
});

export const USER_WITH_HASH_BY_USERNAME_KEY = statement<[usernameKey: string], UserWithHashRow>({
  name: 'user-with-hash-by-username-key',
  text: `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE username_key = $1`,
});

/** Replaces a hash made with older parameters, unless the password changed meanwhile. */
export const REPLACE_PASSWORD_HASH = statement<[userId: number, oldHash: string, newHash: string], { id: number }>({
  name: 'replace-password-hash',
  text: `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 RETURNING id`,
});

/**
 * Creates the configured admin, or takes over a customer account of that name;
 * safe from several instances at once. Taking over sets ADMIN_PASSWORD and ends
 * that account's sessions: otherwise whoever signed up with the name before it
 * was configured would become admin.
 */
export const ENSURE_ADMIN = statement<[username: string, usernameKey: string, email: string, passwordHash: string, now: Date], never>({
  name: 'ensure-admin',
  text: `
WITH admin AS (
  INSERT INTO users (username, username_key, email, password_hash, role) VALUES ($1, $2, $3, $4, 'admin')
  ON CONFLICT (username_key) DO UPDATE
    SET role = 'admin', email = EXCLUDED.email, password_hash = EXCLUDED.password_hash
    WHERE users.role <> 'admin'
  RETURNING id
)
UPDATE refresh_tokens SET revoked_at = $5 WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM admin)`,
});

/** `pattern`: a LIKE pattern (see likeContains) matched against the name and the address, or NULL for everyone. */
export const LIST_USERS = statement<[pattern: string | null, limit: number, offset: number], UserRow & { total: number }>({
  name: 'list-users',
  text: `
SELECT ${USER_COLUMNS}, count(*) OVER ()::int AS total
  FROM users
 WHERE $1::text IS NULL OR username ILIKE $1 OR email ILIKE $1
 ORDER BY id
 LIMIT $2 OFFSET $3`,
});

export const COUNT_USERS = statement<[pattern: string | null], { total: number }>({
  name: 'count-users',
  text: `SELECT count(*)::int AS total FROM users WHERE $1::text IS NULL OR username ILIKE $1 OR email ILIKE $1`,
});

/**
 * Gives an account a role; a change of role ends every session of the account
 * (its refresh tokens, revoked at `now`), so the new role is in the next
 * access token it gets, after logging in again. The same role again changes
 * nothing. No row: no such account.
 */
export const SET_USER_ROLE = statement<[userId: number, role: Role, now: Date], UserRow>({
  name: 'set-user-role',
  text: `
WITH account AS (
  SELECT id, role FROM users WHERE id = $1 FOR NO KEY UPDATE
), changed AS (
  UPDATE users u SET role = $2 FROM account a WHERE u.id = a.id
  RETURNING u.id, u.username, u.email, u.role, a.role AS previous_role
), revoked AS (
  UPDATE refresh_tokens r SET revoked_at = $3
    FROM changed c
   WHERE r.user_id = c.id AND r.revoked_at IS NULL AND c.role <> c.previous_role
  RETURNING r.id
)
SELECT id, username, email, role FROM changed`,
});
