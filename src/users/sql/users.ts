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

export const INSERT_USER = statement<[username: string, email: string, passwordHash: string], UserRow>({
  name: 'insert-user',
  text: `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING ${USER_COLUMNS}`,
});

export const USER_BY_ID = statement<[userId: number], UserRow>({
  name: 'user-by-id',
  text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
});

/** Usernames are unique whatever their case (users_username_lower_key). */
export const USER_WITH_HASH_BY_USERNAME = statement<[username: string], UserWithHashRow>({
  name: 'user-with-hash-by-username',
  text: `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE lower(username) = lower($1)`,
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
export const ENSURE_ADMIN = statement<[username: string, email: string, passwordHash: string], never>({
  name: 'ensure-admin',
  text: `
WITH admin AS (
  INSERT INTO users (username, email, password_hash, role) VALUES ($1, $2, $3, 'admin')
  ON CONFLICT ((lower(username))) DO UPDATE
    SET role = 'admin', email = EXCLUDED.email, password_hash = EXCLUDED.password_hash
    WHERE users.role <> 'admin'
  RETURNING id
)
UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM admin)`,
});
