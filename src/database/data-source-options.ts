import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AppConfig } from '../config/app-config';

type Entities = NonNullable<DataSourceOptions['entities']>;

/**
 * One set of options for the app, the tests and the migration commands. The
 * entities are the features' (the composition root's `ENTITIES`), so they are
 * passed in: the database layer knows no feature.
 */
export function dataSourceOptions(url: string, database: AppConfig['database'], entities: Entities): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Off: a failed query's log line would carry its parameters, password hashes included.
    logging: false,
    extra: {
      max: database.poolSize,
      // Waiting longer than this for a free connection is an error (503), not a hang.
      connectionTimeoutMillis: 10_000,
      // A statement stuck behind a lock this long gives up (55P03, retried) instead of piling up requests.
      // Generic plans: every statement is prepared once per connection with parameters whose values do not
      // change the best plan (ids, seat numbers, now), so planning each execution anew (PostgreSQL's
      // default for a prepared statement's first five runs, and for good whenever its custom plans look
      // cheaper) only spent CPU: half of the booking statement's time (see README, Performance).
      options: '-c lock_timeout=5000 -c statement_timeout=15000 -c plan_cache_mode=force_generic_plan',
    },
  };
}
