import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password reset by e-mail: one row per token sent. Only the token's SHA-256
 * is stored, so a read of the table cannot reset anyone's password; a token
 * is used once (used_at) and only until expires_at.
 */
export class PasswordReset1764600000000 implements MigrationInterface {
  name = 'PasswordReset1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE password_reset_tokens (
        token_hash char(64) NOT NULL,
        user_id    integer NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at    timestamptz,
        CONSTRAINT password_reset_tokens_pkey PRIMARY KEY (token_hash),
        CONSTRAINT password_reset_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX password_reset_tokens_user_id_idx ON password_reset_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_reset_tokens`);
  }
}
