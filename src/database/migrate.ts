import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { withCliDatabase } from './cli-database';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './run-migrations';

/** `npm run migration:run` / `migration:revert` / `migration:show`, on DATABASE_URL or the embedded server. */
async function main(command: string): Promise<void> {
  const config = loadConfig();
  await withCliDatabase(async (url) => {
    // The migrations are plain SQL: running, reverting or listing them needs no entity.
    const dataSource = await new DataSource(dataSourceOptions(url, config.database, [])).initialize();
    try {
      if (command === 'run') {
        const applied = await runMigrationsExclusively(dataSource);
        console.error(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
      } else if (command === 'revert') {
        await dataSource.undoLastMigration({ transaction: 'each' });
        console.error('reverted the last migration');
      } else if (command === 'show') {
        const pending = await dataSource.showMigrations();
        console.error(pending ? 'there are pending migrations' : 'schema is up to date');
      } else {
        throw new Error(`unknown command "${command}": use run, revert or show`);
      }
    } finally {
      await dataSource.destroy();
    }
  });
}

main(process.argv[2] ?? 'run').catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
