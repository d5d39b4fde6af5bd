import { migratedDatabase, MigratedDatabase } from './migrated-database';

/**
 * The entities describe the schema the migrations make, so `npm run
 * migration:generate` against a migrated database finds nothing to change
 * (before, it would have dropped every constraint, index and foreign key).
 */
describe('entities and migrations (a migrated database, no HTTP)', () => {
  let database: MigratedDatabase;

  beforeAll(async () => {
    database = await migratedDatabase();
  });
  afterAll(() => database?.drop());

  it('migration:generate has nothing to do: the schema builder wants no change', async () => {
    const { upQueries } = await database.dataSource.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });

  it('every table has an entity', async () => {
    const { rows } = await database.pool.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
    );
    const described = database.dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();
    expect(described).toEqual(rows.map((row) => row.name));
  });
});
