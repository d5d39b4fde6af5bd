import { DataSource } from 'typeorm';
import { loadConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { ENTITIES } from './entities';

/**
 * The TypeORM CLI's data source, used by `npm run migration:generate`; it needs
 * DATABASE_URL or a running embedded server (`npm start` leaves one in DATA_DIR).
 */
const config = loadConfig();
export default new DataSource(
  dataSourceOptions(
    config.database.url ?? `postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/cinema`,
    config.database,
    ENTITIES,
  ),
);
