import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holds and idempotency keys.
 * A hold is written onto its seat rows (hold_id, held_by, hold_expires_at) so a
 * seat's whole state is one row: the CHECK seats_booked_or_held makes "held by
 * one, booked by another" impossible. An expired hold needs no clean-up to stop
 * counting: every reader compares hold_expires_at with the current time.
 */
export class AddHoldsAndIdempotency1764100000000 implements MigrationInterface {
  name = 'AddHoldsAndIdempotency1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE holds (
        id           serial PRIMARY KEY,
        user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        show_id      integer NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
        seat_numbers integer[] NOT NULL CONSTRAINT holds_seat_numbers_check CHECK (cardinality(seat_numbers) BETWEEN 1 AND 100),
        status       varchar(16) NOT NULL DEFAULT 'active'
                     CONSTRAINT holds_status_check CHECK (status IN ('active', 'confirmed', 'released', 'expired')),
        created_at   timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        CONSTRAINT holds_expires_after_creation CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX holds_active_expires_at_idx ON holds (expires_at) WHERE status = 'active'`);

    await q.query(`
      ALTER TABLE seats
        ADD COLUMN hold_id integer REFERENCES holds (id) ON DELETE SET NULL,
        ADD COLUMN held_by integer,
        ADD COLUMN hold_expires_at timestamptz,
        ADD CONSTRAINT seats_booked_or_held CHECK (booking_id IS NULL OR hold_id IS NULL),
        ADD CONSTRAINT seats_hold_complete CHECK (
          (hold_id IS NULL AND held_by IS NULL AND hold_expires_at IS NULL) OR
          (hold_id IS NOT NULL AND held_by IS NOT NULL AND hold_expires_at IS NOT NULL))`);
    // Serves available_seats (count of taken seats of a show) and the per-user hold limit.
    await q.query(`DROP INDEX seats_booked_idx`);
    await q.query(
      `CREATE INDEX seats_taken_idx ON seats (show_id) INCLUDE (hold_expires_at)
        WHERE booking_id IS NOT NULL OR hold_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX seats_held_by_idx ON seats (held_by, show_id) INCLUDE (hold_expires_at) WHERE hold_id IS NOT NULL`);
    // Release, expiry and a hold's deletion find its seats by hold_id.
    await q.query(`CREATE INDEX seats_hold_id_idx ON seats (hold_id) WHERE hold_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id         integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key             varchar(255) NOT NULL,
        request_hash    char(64) NOT NULL,
        status          varchar(16) NOT NULL CONSTRAINT idempotency_keys_status_check CHECK (status IN ('in_progress', 'completed')),
        response_status integer,
        response_body   json,
        created_at      timestamptz NOT NULL,
        PRIMARY KEY (user_id, key),
        CONSTRAINT idempotency_keys_completed_has_response CHECK (status = 'in_progress' OR response_status IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP INDEX seats_hold_id_idx`);
    await q.query(`DROP INDEX seats_held_by_idx`);
    await q.query(`DROP INDEX seats_taken_idx`);
    await q.query(`CREATE INDEX seats_booked_idx ON seats (show_id) WHERE booking_id IS NOT NULL`);
    await q.query(`ALTER TABLE seats DROP COLUMN hold_id, DROP COLUMN held_by, DROP COLUMN hold_expires_at`);
    await q.query(`DROP TABLE holds`);
  }
}
