import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { hashPassword } from '../users/password-hasher';
import { withCliDatabase } from './cli-database';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './run-migrations';

const USERS = ['john_doe', 'jane_smith'];
const MOVIES: [string, number][] = [
  ['The Shawshank Redemption', 142],
  ['Inception', 148],
  ['Spirited Away', 125],
  ['The Grand Budapest Hotel', 99],
  ['Parasite', 132],
];
const SCREENS = ['Screen 1', 'Screen 2'];

/**
 * Sample data: two customers (password "password123"), five movies and ten
 * future shows (two per movie). Every insert skips what exists already, so
 * running it twice changes nothing.
 */
async function seed(url: string): Promise<void> {
  const config = loadConfig();
  const dataSource = await new DataSource(dataSourceOptions(url, config.database)).initialize();
  try {
    await runMigrationsExclusively(dataSource);
    const passwordHash = await hashPassword('password123');
    for (const username of USERS) {
      await dataSource.query(
        `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [username, `${username}@example.com`, passwordHash],
      );
    }
    const firstDay = new Date();
    firstDay.setUTCHours(0, 0, 0, 0);
    for (const [index, [title, duration]] of MOVIES.entries()) {
      await dataSource.query(
        `INSERT INTO movies (title, duration_minutes)
         SELECT $1::varchar, $2::int WHERE NOT EXISTS (SELECT 1 FROM movies WHERE title = $1::varchar)`,
        [title, duration],
      );
      const [{ id: movieId }] = await dataSource.query(`SELECT id FROM movies WHERE title = $1 ORDER BY id LIMIT 1`, [title]);
      for (const [screenIndex, screen] of SCREENS.entries()) {
        // Day index+1, 14:00 on screen 1 and 19:00 on screen 2: never overlapping, always in the future.
        const start = new Date(firstDay.getTime() + (index + 1) * 86400_000 + (14 + screenIndex * 5) * 3600_000);
        await dataSource.transaction(async (manager) => {
          const [show] = await manager.query(
            `INSERT INTO shows (movie_id, screen_name, date_time, ends_at, total_seats)
             VALUES ($1, $2, $3, $3::timestamptz + make_interval(mins => $4), 100)
             ON CONFLICT DO NOTHING RETURNING id`,
            [movieId, screen, start, duration],
          );
          if (show) {
            await manager.query(
              `INSERT INTO seats (show_id, seat_number, total_seats) SELECT $1, n, 100 FROM generate_series(1, 100) AS n`,
              [show.id],
            );
          }
        });
      }
    }
    const [counts] = await dataSource.query(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM movies)::int AS movies,
              (SELECT count(*) FROM shows)::int AS shows`,
    );
    console.error(`seeded: ${counts.users} users, ${counts.movies} movies, ${counts.shows} shows in the database`);
  } finally {
    await dataSource.destroy();
  }
}

withCliDatabase(seed).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
