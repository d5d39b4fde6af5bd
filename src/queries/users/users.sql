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
