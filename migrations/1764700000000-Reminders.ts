import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Show reminders: a booking remembers the show start it was reminded for, so
 * a show moved after its reminder is reminded again, and the sweep finds the
 * shows about to start by their start time.
 */
export class Reminders1764700000000 implements MigrationInterface {
  name = 'Reminders1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bookings ADD COLUMN reminded_for timestamptz`);
    await q.query(`CREATE INDEX shows_date_time_idx ON shows (date_time)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX shows_date_time_idx`);
    await q.query(`ALTER TABLE bookings DROP COLUMN reminded_for`);
  }
}
