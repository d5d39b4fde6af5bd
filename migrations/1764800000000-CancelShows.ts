import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancelling a show (API.md Part 3):
 * - shows.status, `scheduled` (every existing show) or `cancelled`, with
 *   cancelled_at set exactly when cancelled (as bookings do);
 * - only scheduled shows occupy their screen: shows_screen_no_overlap gets
 *   `WHERE (status = 'scheduled')`, so a cancelled show's slot can be sold again;
 * - seat rows carry their show's status as they carry its total_seats, through
 *   seats_show_fk (ON UPDATE CASCADE), so the status is on the row every sale
 *   and hold locks: a booking that waited for a seat's lock while the show was
 *   being cancelled reads the seat as the cancellation left it (its snapshot
 *   of the show row is older). shows_id_total_seats_key gives way to the
 *   unique key the wider foreign key needs;
 * - seats_free_when_show_cancelled: a cancelled show's seats are neither
 *   booked nor held, whatever the code does.
 */
export class CancelShows1764800000000 implements MigrationInterface {
  name = 'CancelShows1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE shows
        ADD COLUMN status varchar(16) NOT NULL DEFAULT 'scheduled' CONSTRAINT shows_status_check CHECK (status IN ('scheduled', 'cancelled')),
        ADD COLUMN cancelled_at timestamptz,
        ADD CONSTRAINT shows_cancelled_at_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_screen_no_overlap`);
    await q.query(`
      ALTER TABLE shows ADD CONSTRAINT shows_screen_no_overlap
        EXCLUDE USING gist (screen_name WITH =, tstzrange(date_time, ends_at) WITH &&) WHERE (status = 'scheduled')`);

    await q.query(`ALTER TABLE shows ADD CONSTRAINT shows_id_total_seats_status_key UNIQUE (id, total_seats, status)`);
    await q.query(`ALTER TABLE seats ADD COLUMN show_status varchar(16) NOT NULL DEFAULT 'scheduled'`);
    await q.query(`ALTER TABLE seats DROP CONSTRAINT seats_show_fk`);
    await q.query(`
      ALTER TABLE seats ADD CONSTRAINT seats_show_fk FOREIGN KEY (show_id, total_seats, show_status)
        REFERENCES shows (id, total_seats, status) ON UPDATE CASCADE ON DELETE CASCADE`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_id_total_seats_key`);
    await q.query(`
      ALTER TABLE seats ADD CONSTRAINT seats_free_when_show_cancelled
        CHECK (show_status = 'scheduled' OR (booking_id IS NULL AND hold_id IS NULL))`);
  }

  /** Fails while a cancelled show overlaps another show of its screen (delete one of them first). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE seats DROP CONSTRAINT seats_free_when_show_cancelled`);
    await q.query(`ALTER TABLE shows ADD CONSTRAINT shows_id_total_seats_key UNIQUE (id, total_seats)`);
    await q.query(`ALTER TABLE seats DROP CONSTRAINT seats_show_fk`);
    await q.query(`
      ALTER TABLE seats ADD CONSTRAINT seats_show_fk FOREIGN KEY (show_id, total_seats)
        REFERENCES shows (id, total_seats) ON UPDATE CASCADE ON DELETE CASCADE`);
    await q.query(`ALTER TABLE seats DROP COLUMN show_status`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_id_total_seats_status_key`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_screen_no_overlap`);
    await q.query(`
      ALTER TABLE shows ADD CONSTRAINT shows_screen_no_overlap
        EXCLUDE USING gist (screen_name WITH =, tstzrange(date_time, ends_at) WITH &&)`);
    await q.query(`ALTER TABLE shows DROP CONSTRAINT shows_cancelled_at_check, DROP COLUMN cancelled_at, DROP COLUMN status`);
  }
}
