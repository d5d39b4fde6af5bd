import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { loadConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * For command-line tools (migrations, seed): DATABASE_URL when set; otherwise
 * the embedded server in DATA_DIR, reused if the service is running it, started
 * (and stopped afterwards) if not.
 */
export async function withCliDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);
  if (config.database.url) return work(config.database.url);
  const embeddedUrl = `postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/cinema`;
  if (await reachable(embeddedUrl)) return work(embeddedUrl);
  const server = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.embeddedPort });
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}
