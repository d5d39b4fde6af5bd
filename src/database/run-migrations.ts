import { DataSource, Migration } from 'typeorm';

/** Any fixed number: the session-level advisory lock that makes concurrent starts migrate one at a time. */
const MIGRATION_LOCK_KEY = 764_000_001;

/**
 * Runs pending migrations while holding an advisory lock, so several app
 * instances starting at once on a fresh database do not race each other: the
 * first migrates, the others wait and then find nothing to do.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
