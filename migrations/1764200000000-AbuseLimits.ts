import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the abuse limits need from the schema:
 * - users.username_key: the NFKC case-folded username (computed by the app,
 *   since lower() folds only what the database's locale knows), unique, so
 *   "José" and "JOSÉ" are one account whatever the collation. Existing names
 *   are ASCII, for which lower() is that folding.
 * - holds.client_ip: the address a hold came from, for the per-address share of a show;
 *   holds.ended_at: when it was released or expired, for the re-hold cooldown.
 * - an index that counts a customer's active bookings of a show (the booking cap).
 */
export class AbuseLimits1764200000000 implements MigrationInterface {
  name = 'AbuseLimits1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN username_key varchar(600)`);
    await q.query(`UPDATE users SET username_key = lower(username)`);
    await q.query(`ALTER TABLE users ALTER COLUMN username_key SET NOT NULL`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_username_key_key UNIQUE (username_key)`);
    await q.query(`DROP INDEX users_username_lower_key`);

    await q.query(`ALTER TABLE holds ADD COLUMN client_ip inet, ADD COLUMN ended_at timestamptz`);
    await q.query(`UPDATE holds SET ended_at = CASE status WHEN 'expired' THEN expires_at ELSE created_at END WHERE status IN ('released', 'expired')`);
    // The seats an address holds in a show, and what it (or a customer) ended lately there.
    await q.query(`CREATE INDEX holds_active_client_ip_idx ON holds (show_id, client_ip) WHERE status = 'active'`);
    await q.query(`CREATE INDEX holds_recently_ended_idx ON holds (show_id, ended_at) WHERE ended_at IS NOT NULL`);
    await q.query(`CREATE INDEX bookings_user_show_active_idx ON bookings (user_id, show_id) WHERE status = 'booked'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bookings_user_show_active_idx`);
    await q.query(`DROP INDEX holds_recently_ended_idx`);
    await q.query(`DROP INDEX holds_active_client_ip_idx`);
    await q.query(`ALTER TABLE holds DROP COLUMN ended_at, DROP COLUMN client_ip`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_username_key_key`);
    await q.query(`ALTER TABLE users DROP COLUMN username_key`);
  }
}
