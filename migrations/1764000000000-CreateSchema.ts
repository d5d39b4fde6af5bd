import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole booking schema. The invariants live here, not only in code:
 * - one active booking per seat: partial unique index bookings_one_active_per_seat;
 * - a show never has more bookable seats than total_seats: seats rows carry the
 *   show's total_seats through a composite foreign key (ON UPDATE CASCADE) and a
 *   CHECK keeps seat_number within it; bookings must reference a seats row;
 * - two shows never overlap on one screen: exclusion constraint on a time range.
 */
export class CreateSchema1764000000000 implements MigrationInterface {
  name = 'CreateSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    await q.query(`
      CREATE TABLE users (
        id            serial PRIMARY KEY,
        username      varchar(150) NOT NULL,
        email         varchar(254) NOT NULL,
        password_hash text NOT NULL,
        role          varchar(16) NOT NULL DEFAULT 'customer' CONSTRAINT users_role_check CHECK (role IN ('customer', 'admin')),
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id         uuid PRIMARY KEY,
        user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id)`);

    await q.query(`
      CREATE TABLE movies (
        id               serial PRIMARY KEY,
        title            varchar(200) NOT NULL CONSTRAINT movies_title_check CHECK (char_length(title) >= 1),
        duration_minutes integer NOT NULL CONSTRAINT movies_duration_check CHECK (duration_minutes BETWEEN 1 AND 600),
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE shows (
        id          serial PRIMARY KEY,
        movie_id    integer NOT NULL REFERENCES movies (id) ON DELETE RESTRICT,
        screen_name varchar(100) NOT NULL CONSTRAINT shows_screen_name_check CHECK (char_length(screen_name) >= 1),
        date_time   timestamptz NOT NULL,
        ends_at     timestamptz NOT NULL,
        total_seats integer NOT NULL CONSTRAINT shows_total_seats_check CHECK (total_seats BETWEEN 1 AND 2000),
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shows_id_total_seats_key UNIQUE (id, total_seats),
        CONSTRAINT shows_ends_after_start CHECK (ends_at > date_time),
        CONSTRAINT shows_screen_no_overlap EXCLUDE USING gist (screen_name WITH =, tstzrange(date_time, ends_at) WITH &&)
      )`);
    await q.query(`CREATE INDEX shows_movie_id_date_time_idx ON shows (movie_id, date_time)`);

    await q.query(`
      CREATE TABLE seats (
        show_id     integer NOT NULL,
        seat_number integer NOT NULL,
        total_seats integer NOT NULL,
        booking_id  integer,
        PRIMARY KEY (show_id, seat_number),
        CONSTRAINT seats_show_fk FOREIGN KEY (show_id, total_seats)
          REFERENCES shows (id, total_seats) ON UPDATE CASCADE ON DELETE CASCADE,
        CONSTRAINT seats_number_in_range CHECK (seat_number BETWEEN 1 AND total_seats)
      )`);

    await q.query(`
      CREATE TABLE bookings (
        id           serial PRIMARY KEY,
        user_id      integer NOT NULL REFERENCES users (id),
        show_id      integer NOT NULL,
        seat_number  integer NOT NULL,
        status       varchar(16) NOT NULL DEFAULT 'booked' CONSTRAINT bookings_status_check CHECK (status IN ('booked', 'cancelled')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        cancelled_at timestamptz,
        CONSTRAINT bookings_cancelled_at_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
        CONSTRAINT bookings_seat_fk FOREIGN KEY (show_id, seat_number)
          REFERENCES seats (show_id, seat_number) ON DELETE CASCADE,
        -- Column order (show_id, seat_number, id): the same uniqueness, and it also serves the
        -- cascade from a deleted seat row to its bookings, so no extra index is maintained.
        CONSTRAINT bookings_id_seat_key UNIQUE (show_id, seat_number, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX bookings_one_active_per_seat ON bookings (show_id, seat_number) WHERE status = 'booked'`,
    );
    await q.query(`CREATE INDEX bookings_user_id_created_at_idx ON bookings (user_id, created_at DESC, id DESC)`);

    // A seat row points at its active booking, and only at a booking of that very seat.
    await q.query(`
      ALTER TABLE seats ADD CONSTRAINT seats_booking_fk FOREIGN KEY (booking_id, show_id, seat_number)
        REFERENCES bookings (id, show_id, seat_number) ON DELETE SET NULL (booking_id)`);
    await q.query(`CREATE INDEX seats_booked_idx ON seats (show_id) WHERE booking_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE seats DROP CONSTRAINT seats_booking_fk`);
    await q.query(`DROP TABLE bookings`);
    await q.query(`DROP TABLE seats`);
    await q.query(`DROP TABLE shows`);
    await q.query(`DROP TABLE movies`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
