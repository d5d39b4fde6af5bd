import { DataSource } from 'typeorm';
import { pgCode, PgCode } from './common/errors/pg-errors';
import { loadConfig } from './config/app-config';
import { withCliDatabase } from './database/cli-database';
import { dataSourceOptions } from './database/data-source-options';
import { Database } from './database/database';
import { runMigrationsExclusively } from './database/run-migrations';
import { likeContains } from './database/sql-text';
import { ENTITIES } from './entities';
import { DEFAULT_CINEMA_ID } from './cinemas/cinemas.service';
import { SeatKind } from './screens/entities/screen-seat.entity';
import { planOf, RowInput } from './screens/plan';
import { INSERT_SCREEN, LOCK_NAMED_SCREEN, planArrays } from './screens/sql/screens';
import { INSERT_MOVIE, LIST_MOVIES } from './movies/sql/movies';
import { ADD_SEAT_ROWS } from './seats/sql/seat-rows';
import { INSERT_SHOW } from './shows/sql/shows';
import { hashPassword } from './users/password-hasher';
import { INSERT_USER } from './users/sql/users';
import { usernameKey } from './users/username';

const USERS = ['john_doe', 'jane_smith'];
const MOVIES: [string, number][] = [
  ['The Shawshank Redemption', 142],
  ['Inception', 148],
  ['Spirited Away', 125],
  ['The Grand Budapest Hotel', 99],
  ['Parasite', 132],
];
const seats = (count: number, kind?: SeatKind) => Array.from({ length: count }, () => (kind ? { kind } : {}));
/**
 * Two screens of different shapes (API.md Part 4): a hall of 8 rows of 12 with
 * a centre aisle, premium rows in the middle and wheelchair places with
 * companion seats at the back; and a small studio whose rows widen towards
 * the back, with side aisles.
 */
const SCREENS: { name: string; rows: RowInput[] }[] = [
  {
    name: 'Screen 1',
    rows: [
      ...['A', 'B', 'C', 'D'].map((label) => ({ label, seats: [...seats(6), null, ...seats(6)] })),
      ...['E', 'F'].map((label) => ({ label, seats: [...seats(6, 'premium'), null, ...seats(6, 'premium')] })),
      { label: 'G', seats: [...seats(6), null, ...seats(6)] },
      { label: 'H', seats: [{ kind: 'wheelchair' }, { kind: 'companion' }, ...seats(4), null, ...seats(4), { kind: 'companion' }, { kind: 'wheelchair' }] },
    ],
  },
  {
    name: 'Screen 2',
    rows: [
      { label: 'A', seats: [null, null, ...seats(6), null, null] },
      { label: 'B', seats: [null, ...seats(8), null] },
      { label: 'C', seats: [...seats(2), null, ...seats(6), null, ...seats(2)] },
      { label: 'D', seats: [...seats(2), null, ...seats(6), null, ...seats(2)] },
      { label: 'E', seats: [{ kind: 'wheelchair' }, { kind: 'companion' }, null, ...seats(6, 'premium'), null, { kind: 'companion' }, { kind: 'wheelchair' }] },
    ],
  },
];

/** Runs `write`; what exists already (a taken username, a show on that screen at that time) is skipped. */
async function unlessThere(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (pgCode(error) !== PgCode.UNIQUE_VIOLATION && pgCode(error) !== PgCode.EXCLUSION_VIOLATION) throw error;
  }
}

/**
 * `npm run seed`: sample data, written with the features' own statements: two
 * customers (password "password123"), two screens of different shapes, five movies and ten future shows (two per movie).
 * Whatever exists already is skipped, so running it twice changes nothing.
 */
async function seed(url: string): Promise<void> {
  const config = loadConfig();
  const dataSource = await new DataSource(dataSourceOptions(url, config.database, ENTITIES)).initialize();
  try {
    await runMigrationsExclusively(dataSource);
    const db = new Database(dataSource);
    const passwordHash = await hashPassword('password123');
    for (const username of USERS) await unlessThere(() => db.rows(INSERT_USER, username, usernameKey(username), `${username}@example.com`, passwordHash));
    const screens = [];
    for (const { name, rows } of SCREENS) {
      await db.rows(INSERT_SCREEN, DEFAULT_CINEMA_ID, name, 0, ...planArrays(planOf(rows)));
      screens.push((await db.rows(LOCK_NAMED_SCREEN, DEFAULT_CINEMA_ID, name))[0]);
    }
    const firstDay = new Date();
    firstDay.setUTCHours(0, 0, 0, 0);
    for (const [index, [title, duration]] of MOVIES.entries()) {
      const existing = (await db.rows(LIST_MOVIES, likeContains(title), 200, 0)).find((movie) => movie.title === title);
      const movie = existing ?? (await db.rows(INSERT_MOVIE, title, duration))[0];
      for (const [screenIndex, screen] of screens.entries()) {
        // Day index+1, 14:00 on screen 1 and 19:00 on screen 2: never overlapping, always in the future.
        const start = new Date(firstDay.getTime() + (index + 1) * 86400_000 + (14 + screenIndex * 5) * 3600_000);
        await unlessThere(() =>
          db.transaction(async (tx) => {
            const [show] = await tx.rows(INSERT_SHOW, movie.id, screen.id, start, movie.duration_minutes, screen.total_seats, 0, 'EUR', {});
            await tx.rows(ADD_SEAT_ROWS, show.id, 1, screen.total_seats);
          }),
        );
      }
    }
    console.error(`seeded: ${USERS.length} customers, ${MOVIES.length} movies, ${MOVIES.length * SCREENS.length} shows`);
  } finally {
    await dataSource.destroy();
  }
}

withCliDatabase(seed).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
