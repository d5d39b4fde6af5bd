import PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { BOOKINGS_CONFIRMED } from '../../src/bookings/booking-mail';
import { loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
import { createTestDatabase, TestDatabase } from '../setup/test-app';

export interface MigratedDatabase extends TestDatabase {
  dataSource: DataSource;
  /** The service's own way to run its statements, without the app around it. */
  db: Database;
}

/**
 * A fresh database after the real migrations, with no HTTP app: for specs of
 * the schema and of the statements. It has the job queue's schema too (pg-boss
 * makes it when the service starts), with the queue of the jobs a statement
 * writes itself (BOOK_SEATS: its confirmations).
 */
export async function migratedDatabase(): Promise<MigratedDatabase> {
  const test = await createTestDatabase();
  const dataSource = await new DataSource(dataSourceOptions(test.url, loadConfig({ NODE_ENV: 'test' }).database, ENTITIES)).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const boss = new PgBoss({ connectionString: test.url, schema: 'pgboss', max: 1, supervise: false, schedule: false });
  await boss.start();
  await boss.createQueue(BOOKINGS_CONFIRMED.name, { name: BOOKINGS_CONFIRMED.name, retryLimit: 2, retryDelay: 1, retryBackoff: true, expireInSeconds: 60 });
  await boss.stop({ graceful: false, close: true, wait: true });
  return {
    ...test,
    dataSource,
    db: new Database(dataSource),
    drop: async () => {
      await dataSource.destroy();
      await test.drop();
    },
  };
}

let serial = 0;
const unique = () => `${process.pid}_${Date.now().toString(36)}_${serial++}`;

/** A customer row (they never log in here). */
export async function insertUser(db: MigratedDatabase): Promise<number> {
  const name = `user_${unique()}`;
  const { rows } = await db.pool.query(`INSERT INTO users (username, username_key, email, password_hash) VALUES ($1, $1, $2, 'x') RETURNING id`, [name, `${name}@example.com`]);
  return rows[0].id;
}

/**
 * A show of a movie of its own on a screen of its own (one row of `totalSeats`
 * seats, A1 …), with its seat rows; `startsAt` may lie in the past.
 */
export async function insertShow(db: MigratedDatabase, totalSeats: number, startsAt = new Date(Date.now() + 86400_000)): Promise<number> {
  const { rows } = await db.pool.query(
    `WITH movie AS (INSERT INTO movies (title, duration_minutes) VALUES ($1, 90) RETURNING id),
          screen AS (INSERT INTO screens (cinema_id, name, name_key, total_seats) VALUES (1, $1, lower($1), $3) RETURNING id),
          plan AS (INSERT INTO screen_seats (screen_id, seat_number, row_index, row_label, place, label)
                   SELECT screen.id, n, 0, 'A', n - 1, 'A' || n FROM screen, generate_series(1, $3) AS n),
          show AS (INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats)
                   SELECT movie.id, screen.id, $1, $2, $2::timestamptz + interval '90 minutes', $2::timestamptz + interval '90 minutes', $3 FROM movie, screen RETURNING id),
          seats AS (INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label)
                    SELECT show.id, n, $3, 0, 'A', n - 1, 'A' || n FROM show, generate_series(1, $3) AS n)
     SELECT id FROM show`,
    [`Show ${unique()}`, startsAt, totalSeats],
  );
  return rows[0].id;
}

/** Books seats behind the app's back (a booking row and its seat pointing at it). */
export async function insertBookings(db: MigratedDatabase, userId: number, showId: number, seats: number[]): Promise<void> {
  await db.pool.query(
    `WITH created AS (
       INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) SELECT $1, $2, n, 'A' || n, 'booked' FROM unnest($3::int[]) AS n
       RETURNING id, show_id, seat_number)
     UPDATE seats s SET booking_id = c.id FROM created c WHERE s.show_id = c.show_id AND s.seat_number = c.seat_number`,
    [userId, showId, seats],
  );
}

/** Holds seats behind the app's back, until `expiresAt`. */
export async function insertHold(db: MigratedDatabase, userId: number, showId: number, seats: number[], expiresAt: Date): Promise<number> {
  const { rows } = await db.pool.query(
    `WITH created AS (
       INSERT INTO holds (user_id, show_id, seat_numbers, created_at, expires_at) VALUES ($1, $2, $3, $4::timestamptz - interval '1 hour', $4)
       RETURNING id, user_id, show_id, seat_numbers, expires_at),
     marked AS (
       UPDATE seats s SET hold_id = c.id, held_by = c.user_id, hold_expires_at = c.expires_at
         FROM created c WHERE s.show_id = c.show_id AND s.seat_number = ANY (c.seat_numbers))
     SELECT id FROM created`,
    [userId, showId, seats, expiresAt],
  );
  return rows[0].id;
}
