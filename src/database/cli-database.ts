import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { loadConfig } from '../config/app-config';
import { portOfServiceServer, startEmbeddedPostgres } from './embedded/embedded-postgres';

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
 * the embedded server in DATA_DIR, reused if the service is running it (on
 * EMBEDDED_PG_PORT or the port its own start was given), started
 * (and stopped afterwards) if not.
 */
export async function withCliDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);
  if (config.database.url) return work(config.database.url);
  const embeddedUrl = (port: number) => `postgres://postgres:postgres@127.0.0.1:${port}/cinema`;
  if (await reachable(embeddedUrl(config.database.embeddedPort))) return work(embeddedUrl(config.database.embeddedPort));
  // The service runs its server on this DATA_DIR on another port (its own EMBEDDED_PG_PORT).
  const servicePort = await portOfServiceServer(config.database.dataDir);
  if (servicePort !== undefined && (await reachable(embeddedUrl(servicePort)))) return work(embeddedUrl(servicePort));
  const server = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.embeddedPort });
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}
