import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Tickets1764400000000 } from '../../migrations/1764400000000-Tickets';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
import { layoutOf, shortName } from '../../web/src/seats/layout';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { TICKET_CODE } from '../support/answers';

/** The Tickets migration on a database that has bookings already: each gets a ticket code and the label its seat has. */
describe('the Tickets migration (a database migrated up to it, no HTTP)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(Tickets1764400000000));
    dataSource = await new DataSource({ ...dataSourceOptions(database.url, loadConfig({ NODE_ENV: 'test' }).database, ENTITIES), migrations: before }).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const query = (text: string, params: unknown[] = []) => database.pool.query(text, params);

  it('gives existing bookings, booked and cancelled, a unique ticket code and the label of their seat; staff becomes a role', async () => {
    const { rows: users } = await query(`INSERT INTO users (username, username_key, email, password_hash) VALUES ('old', 'old', 'old@example.com', 'x') RETURNING id`);
    const { rows: shows } = await query(
      `WITH movie AS (INSERT INTO movies (title, duration_minutes) VALUES ('Old', 90) RETURNING id)
       INSERT INTO shows (movie_id, screen_name, date_time, ends_at, total_seats)
       SELECT id, screen, now() + interval '1 day' * k, now() + interval '1 day' * k + interval '2 hours', total
         FROM movie, (VALUES ('1', 1, 100), ('2', 2, 21), ('3', 3, 2000)) AS v(screen, k, total)
       RETURNING id, total_seats`,
    );
    const sold: [number, number, number][] = [];
    for (const { id, total_seats } of shows) {
      const seats = [...new Set([1, 12, 20, 21, 47, 521, total_seats])].filter((seat) => seat <= total_seats);
      await query(`INSERT INTO seats (show_id, seat_number, total_seats) SELECT $1, n, $2 FROM unnest($3::int[]) AS n`, [id, total_seats, seats]);
      await query(`INSERT INTO bookings (user_id, show_id, seat_number, status) SELECT $1, $2, n, 'booked' FROM unnest($3::int[]) AS n`, [users[0].id, id, seats]);
      await query(`UPDATE bookings SET status = 'cancelled', cancelled_at = now() WHERE show_id = $1 AND seat_number = 1`, [id]);
      sold.push(...seats.map((seat): [number, number, number] => [id, seat, total_seats]));
    }

    const runner = dataSource.createQueryRunner();
    try {
      await new Tickets1764400000000().up(runner);
    } finally {
      await runner.release();
    }

    const { rows } = await query(`SELECT show_id, seat_number, seat_label, ticket_code, checked_in_at FROM bookings ORDER BY id`);
    expect(rows).toEqual(
      sold.map(([show_id, seat_number, total]) => ({
        show_id,
        seat_number,
        seat_label: shortName(layoutOf(total), seat_number),
        ticket_code: expect.stringMatching(TICKET_CODE),
        checked_in_at: null,
      })),
    );
    expect(rows.filter((row) => row.seat_number === 47).map((row) => row.seat_label)).toEqual(['C7', 'C7']);
    expect(new Set(rows.map((row) => row.ticket_code)).size).toBe(rows.length);
    await query(`UPDATE users SET role = 'staff' WHERE id = $1`, [users[0].id]);
    await expect(query(`UPDATE users SET role = 'root' WHERE id = $1`, [users[0].id])).rejects.toMatchObject({ code: '23514', constraint: 'users_role_check' });
  });
});
