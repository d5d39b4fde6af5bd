import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { ENTITIES } from '../../src/entities';
import { BROWSER_MISSING, findChromium } from '../support/browser';
import { withDatabase } from './database-url';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const TEMP_CLUSTER_PREFIX = 'cinema-e2e-';

export interface EmbeddedTestServer {
  dir: string;
  stop(): Promise<void>;
}

/** What global-teardown.ts finds: the same jest process runs both. */
export const registry = globalThis as { __E2E_EMBEDDED__?: EmbeddedTestServer; __E2E_TEMPLATE__?: { serverUrl: string; name: string } };

/**
 * A database with every migration applied and the job queue's schema, made
 * once per run: each spec file's database is a copy of it (CREATE DATABASE …
 * TEMPLATE), which takes a fraction of a second, where migrating a fresh one
 * at the app's start took about two, for each of some hundred files. The
 * migrations' own specs still start from an empty database.
 */
async function createMigratedTemplate(serverUrl: string): Promise<string> {
  const name = `e2e_template_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  registry.__E2E_TEMPLATE__ = { serverUrl, name };
  const url = withDatabase(serverUrl, name);
  const dataSource = await new DataSource(dataSourceOptions(url, loadConfig({ NODE_ENV: 'test' }).database, ENTITIES)).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 1, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, close: true, wait: true });
  return name;
}

/** Running: a zombie (exited, not yet reaped by whoever adopted it) counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Clusters of runs that were killed before their teardown: their server is gone, their folder is not. */
async function removeAbandonedClusters(): Promise<void> {
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_CLUSTER_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const pid = Number((await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (!(Number.isInteger(pid) && pid > 0 && alive(pid))) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** `scripts/build.js --if-stale <target>` in a child process; rejects when the build fails. */
async function buildIfStale(target: 'web' | 'server', what: string): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build.js'), '--if-stale', target], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${what} does not build (see above)`);
}

/**
 * The e2e suite's PostgreSQL: the server of DATABASE_URL when set, otherwise
 * an embedded one on a free port in a temporary folder, which the teardown
 * removes (also when tests failed). Each spec file then creates its own
 * database on it (see test-app.ts), so files share nothing.
 */
export default async function globalSetup(): Promise<void> {
  // The apps under test serve the web app's build (dist/web), and the specs that start the real
  // service run its build (dist/src), as `npm start` does: each is built here when its sources
  // changed, the two side by side.
  await Promise.all([buildIfStale('web', 'the web app'), buildIfStale('server', 'the service')]);
  if (!findChromium()) {
    if (process.env.CI) throw new Error('Chromium is not installed, and CI must run the browser tests (apt-get install chromium)');
    console.error(`\n${BROWSER_MISSING}`);
  }

  let url = process.env.DATABASE_URL;
  if (!url) {
    await removeAbandonedClusters();
    const dir = await mkdtemp(join(tmpdir(), TEMP_CLUSTER_PREFIX));
    try {
      // mkdtemp makes it private; as root, PostgreSQL runs as another user that must reach it.
      await chmod(dir, 0o755);
      const server = await startEmbeddedPostgres({
        dataDir: join(dir, 'data'),
        port: await freePort(),
        database: 'postgres',
        // Throwaway cluster: durability buys nothing here and costs seconds.
        serverFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
        logger: { log: () => undefined, debug: () => undefined, warn: (m: unknown) => console.error(m) },
      });
      registry.__E2E_EMBEDDED__ = { dir, stop: () => server.stop() };
      url = server.url;
      // A run killed before its teardown (Ctrl-C, a timeout, kill -9) must not leave the server running.
      spawn(process.execPath, [join(__dirname, 'cluster-watchdog.js'), String(process.pid), dir, server.dataDir], { detached: true, stdio: 'ignore' }).unref();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
  process.env.E2E_TEMPLATE_DB = await createMigratedTemplate(url);
  process.env.E2E_SERVER_URL = url;
}
