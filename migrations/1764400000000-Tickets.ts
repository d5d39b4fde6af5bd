import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tickets and check-in (API.md Part 3):
 * - bookings.ticket_code: what a ticket's QR code says. new_ticket_code() makes
 *   it from two version-4 UUIDs (gen_random_uuid(), built in since PostgreSQL
 *   13, from the server's cryptographic random source): 244 random bits as
 *   43 base64url characters, with no extension needed (pgcrypto is not
 *   installed everywhere, nor creatable by every role). Unique, so a code
 *   names one booking.
 * - bookings.seat_label: the seat's name when it was sold ("C7"); a booking
 *   keeps it whatever later happens to the show's layout. BOOK_SEATS writes it
 *   (src/seats/seat-label.sql.ts); existing bookings get it here, by the same
 *   rule as of this migration (rows of at most 20, as even as the count
 *   allows, lettered A…Z, AA…, numbered from the left).
 * - bookings.checked_in_at: when the ticket was let in, once.
 * - users.role: `staff` (check-in and the box office).
 */
export class Tickets1764400000000 implements MigrationInterface {
  name = 'Tickets1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION new_ticket_code() RETURNS text LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT rtrim(translate(encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/', '-_'), '=')
      $$`);
    // Adding a column with a volatile default gives every existing row its own value.
    await q.query(`ALTER TABLE bookings ADD COLUMN ticket_code text NOT NULL DEFAULT new_ticket_code()`);
    await q.query(`ALTER TABLE bookings ADD CONSTRAINT bookings_ticket_code_key UNIQUE (ticket_code)`);

    await q.query(`ALTER TABLE bookings ADD COLUMN seat_label varchar(32), ADD COLUMN checked_in_at timestamptz`);
    await q.query(`
      UPDATE bookings b SET seat_label = (
        SELECT CASE WHEN p.row_index < 26 THEN chr(65 + p.row_index) ELSE chr(64 + p.row_index / 26) || chr(65 + p.row_index % 26) END || p.place
          FROM (SELECT (b.seat_number - 1) / l.per_row AS row_index, (b.seat_number - 1) % l.per_row + 1 AS place
                  FROM (SELECT (sh.total_seats + r.n - 1) / r.n AS per_row FROM (SELECT (sh.total_seats + 19) / 20 AS n) r) l) p)
        FROM shows sh
       WHERE sh.id = b.show_id`);
    await q.query(`ALTER TABLE bookings ALTER COLUMN seat_label SET NOT NULL`);

    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('customer', 'staff', 'admin'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE users SET role = 'customer' WHERE role = 'staff'`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('customer', 'admin'))`);
    await q.query(`ALTER TABLE bookings DROP COLUMN checked_in_at, DROP COLUMN seat_label`);
    await q.query(`ALTER TABLE bookings DROP CONSTRAINT bookings_ticket_code_key`);
    await q.query(`ALTER TABLE bookings DROP COLUMN ticket_code`);
    await q.query(`DROP FUNCTION new_ticket_code()`);
  }
}
