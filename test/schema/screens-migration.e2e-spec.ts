import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Screens1765000000000 } from '../../migrations/1765000000000-Screens';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
import { createTestDatabase, TestDatabase } from '../setup/test-app';

const HOUR = 3600_000;

/**
 * The Screens migration on a database whose shows name their screens as typed:
 * the spellings of one name become one screen, shows that overlapped on them
 * (the old constraint compared spellings) get screens of their own, and seat
 * rows keep the labels they had.
 */
describe('the Screens migration (a database migrated up to it, no HTTP)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const query = (text: string, params: unknown[] = []) => database.pool.query(text, params);

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(Screens1765000000000));
    dataSource = await new DataSource({ ...dataSourceOptions(database.url, loadConfig({ NODE_ENV: 'test' }).database, ENTITIES), migrations: before }).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('folds spellings into one screen, gives overlapping shows screens of their own, and keeps every seat label', async () => {
    const start = Date.now() + 48 * HOUR;
    const [{ id: movie }] = (await query(`INSERT INTO movies (title, duration_minutes) VALUES ('Old', 90) RETURNING id`)).rows;
    const show = async (screen: string, from: number, total: number, status = 'scheduled') =>
      (
        await query(
          `INSERT INTO shows (movie_id, screen_name, date_time, ends_at, total_seats, status, cancelled_at)
           VALUES ($1, $2, $3, $3::timestamptz + interval '90 minutes', $4, $5::varchar, CASE WHEN $5::varchar = 'cancelled' THEN now() END) RETURNING id`,
          [movie, screen, new Date(from), total, status],
        )
      ).rows[0].id as number;
    const first = await show('Screen 1', start, 100);
    const overlapping = await show(' screen  1 ', start + 30 * 60_000, 21);
    const later = await show('SCREEN 1', start + 5 * HOUR, 50);
    const cancelled = await show('screen 1', start + 10 * 60_000, 10, 'cancelled');
    const taken = await show('Screen 1 (2)', start + 48 * HOUR, 5);
    const other = await show('Studio', start, 8);
    for (const [id, total] of [[first, 100], [overlapping, 21], [later, 50], [cancelled, 10], [taken, 5], [other, 8]]) {
      await query(`INSERT INTO seats (show_id, seat_number, total_seats, show_status) SELECT id, n, total_seats, status FROM shows, generate_series(1, $2::int) AS n WHERE id = $1`, [id, total]);
    }

    const runner = dataSource.createQueryRunner();
    try {
      await new Screens1765000000000().up(runner);
    } finally {
      await runner.release();
    }

    const { rows: screens } = await query(`SELECT name, name_key, total_seats, auto_plan, cinema_id FROM screens ORDER BY id`);
    expect(screens).toEqual([
      { name: 'Screen 1', name_key: 'screen 1', total_seats: 100, auto_plan: true, cinema_id: 1 },
      { name: 'Screen 1 (3)', name_key: 'screen 1 (3)', total_seats: 21, auto_plan: true, cinema_id: 1 },
      { name: 'Screen 1 (2)', name_key: 'screen 1 (2)', total_seats: 5, auto_plan: true, cinema_id: 1 },
      { name: 'Studio', name_key: 'studio', total_seats: 8, auto_plan: true, cinema_id: 1 },
    ]);
    const { rows: shows } = await query(`SELECT sh.id, sc.name, sh.screen_name FROM shows sh JOIN screens sc ON sc.id = sh.screen_id ORDER BY sh.id`);
    expect(shows).toEqual([
      { id: first, name: 'Screen 1', screen_name: 'Screen 1' },
      { id: overlapping, name: 'Screen 1 (3)', screen_name: 'Screen 1 (3)' },
      { id: later, name: 'Screen 1', screen_name: 'Screen 1' },
      { id: cancelled, name: 'Screen 1', screen_name: 'Screen 1' },
      { id: taken, name: 'Screen 1 (2)', screen_name: 'Screen 1 (2)' },
      { id: other, name: 'Studio', screen_name: 'Studio' },
    ]);
    // Seat labels as Part 3 laid them out on each show's own size: seat 47 of 100 is C7, seat 12 of 21 is B1.
    const label = async (showId: number, seat: number) => (await query(`SELECT label FROM seats WHERE show_id = $1 AND seat_number = $2`, [showId, seat])).rows[0].label;
    expect(await label(first, 47)).toBe('C7');
    expect(await label(overlapping, 12)).toBe('B1');
    expect((await query(`SELECT count(*)::int AS n FROM screen_seats ss JOIN screens sc ON sc.id = ss.screen_id WHERE sc.name = 'Screen 1'`)).rows[0].n).toBe(100);
    // The constraint now compares screens: another spelling of Screen 1 at the first show's time is refused.
    await expect(
      query(
        `INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats)
         SELECT $1, id, name, $2, $2::timestamptz + interval '1 hour', $2::timestamptz + interval '1 hour', 5 FROM screens WHERE name_key = 'screen 1'`,
        [movie, new Date(start + 10 * 60_000)],
      ),
    ).rejects.toMatchObject({ code: '23P01', constraint: 'shows_screen_no_overlap' });
    await expect(query(`INSERT INTO screens (cinema_id, name, name_key, total_seats) VALUES (1, ' STUDIO ', 'studio', 5)`)).rejects.toMatchObject({
      code: '23505',
      constraint: 'screens_cinema_name_key',
    });
    await expect(query(`INSERT INTO screens (cinema_id, name, name_key, total_seats) VALUES (1, 'Hall 9', 'hall9', 5)`)).rejects.toMatchObject({
      code: '23514',
      constraint: 'screens_name_key_check',
    });
  });
});
