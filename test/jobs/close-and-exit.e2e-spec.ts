import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { untilPoolQuiet } from '../../src/jobs/jobs';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { Exit, ROOT, ServiceProcess, spawnService } from '../support/service-process';

/** How long a closed app's process may take to start, close and end by itself, on a busy machine. */
const WITHIN_MS = 30_000;

/** What became of a query after a second: answered, failed, or neither. */
const fateOf = (query: Promise<unknown>) =>
  Promise.race([query.then(() => 'answered', () => 'failed'), sleep(1000, 'still waiting', { ref: false })]);

/**
 * An app closed (app.close(), as every spec file closes its apps) while its
 * job queue's workers start leaves nothing behind: its process ends by
 * itself. pg-boss ended its pool while a worker's fetch still waited for a
 * connection, and pg's pool never answers such a query: the worker waited for
 * ever, polled a second at a time, and the process (a jest worker, say) never
 * ended. The queue now stops its workers, lets their fetches end, and closes
 * that pool once nothing runs on it or waits for it.
 */
describe('a closed app lets its process end (e2e, real processes)', () => {
  let db: TestDatabase;
  const apps: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await db?.drop();
  });

  /** A pool of one connection, held, and a query waiting for it. */
  async function poolWithAWaiter() {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const held = await pool.connect();
    const waiting = pool.query<{ one: number }>('SELECT 1 AS one');
    expect(pool.waitingCount).toBe(1);
    return { pool, held, waiting };
  }

  it("pg ends a pool with a query still waiting for a connection, and never answers that query (why the queue's stop waits)", async () => {
    const { pool, held, waiting } = await poolWithAWaiter();
    const ended = pool.end();
    held.release();
    await ended;
    expect(await fateOf(waiting)).toBe('still waiting');
  });

  it('the queue waits for such a pool to be quiet (none waiting, none running) before it closes it', async () => {
    const { pool, held, waiting } = await poolWithAWaiter();
    let quiet = false;
    const closed = untilPoolQuiet({ pool }, 10_000).then(() => {
      quiet = true;
      return pool.end();
    });
    await sleep(200);
    expect(quiet).toBe(false);
    held.release();
    await closed;
    expect(await fateOf(waiting)).toBe('answered');
    expect((await waiting).rows).toEqual([{ one: 1 }]);
    expect(pool.ended).toBe(true);
  });

  it('closed around the moment its job queue starts working, each process exits by itself, at once', async () => {
    // The workers start a second after the app, their first fetches all at once on 2 connections:
    // five closes around that moment, side by side.
    const closeAfterMs = [900, 975, 1050, 1125, 1200];
    for (const ms of closeAfterMs) {
      apps.push(
        await spawnService({ DATABASE_URL: db.url, JOBS_POLL_SECONDS: '0.5', CLOSE_AFTER_MS: String(ms) }, { entry: join(ROOT, 'test', 'fixtures', 'close-app.js') }),
      );
    }
    const stillRunning = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), WITHIN_MS).unref());
    const ends = await Promise.all(apps.map((app) => Promise.race<Exit | 'still running'>([app.exited, stillRunning])));
    expect(ends).toEqual(closeAfterMs.map(() => ({ code: 0, signal: null })));
    for (const app of apps) expect(app.output()).toContain('closed');
  });
});
