-- rendered from src/users/sql/users.ts by src/database/statements.spec.ts

-- insert-user
INSERT INTO users (username, username_key, email, password_hash) VALUES ($1, $2, $3, $4) RETURNING id, username, email, role;

-- user-by-id
SELECT id, username, email, role FROM users WHERE id = $1;

-- user-with-hash-by-username-key
SELECT id, username, email, role, password_hash FROM users WHERE username_key = $1;

-- replace-password-hash
UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 RETURNING id;

-- ensure-admin
WITH admin AS (
  INSERT INTO users (username, username_key, email, password_hash, role) VALUES ($1, $2, $3, $4, 'admin')
  ON CONFLICT (username_key) DO UPDATE
    SET role = 'admin', email = EXCLUDED.email, password_hash = EXCLUDED.password_hash
    WHERE users.role <> 'admin'
  RETURNING id
)
UPDATE refresh_tokens SET revoked_at = $5 WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM admin);

-- list-users
SELECT id, username, email, role, count(*) OVER ()::int AS total
  FROM users
 WHERE $1::text IS NULL OR username ILIKE $1 OR email ILIKE $1
 ORDER BY id
 LIMIT $2 OFFSET $3;

-- count-users
SELECT count(*)::int AS total FROM users WHERE $1::text IS NULL OR username ILIKE $1 OR email ILIKE $1;

-- set-user-role
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
SELECT id, username, email, role FROM changed;
