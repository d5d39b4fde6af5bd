import PgBoss from 'pg-boss';
import { Client } from 'pg';
import { PURGE_EXPIRED_KEYS } from '../../src/idempotency/idempotency.service';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { ServiceProcess, spawnService, untilHealthy } from '../support/service-process';
import { waitFor } from '../support/wait';

/**
 * A job committed while no instance is alive (the only one was killed with
 * SIGKILL, as a crash or an OOM kill would) is still there, and runs once an
 * instance starts: the job is a row, committed or not with its change.
 */
describe('a committed job survives kill -9 of the service (e2e, real processes)', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;
  const env = () => ({ DATABASE_URL: db.url, JOBS_POLL_SECONDS: '0.5' });

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await db?.drop();
  });

  /** Adds a job in a transaction of the test's own connection, through pg-boss's executor option as `Jobs.add` does. */
  async function commitJob(): Promise<string> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      const boss = new PgBoss({ db: { executeSql: (text, values) => client.query(text, values) } });
      const id = await boss.send(PURGE_EXPIRED_KEYS.name, {});
      await client.query('COMMIT');
      return id as string;
    } finally {
      await client.end();
    }
  }

  const jobState = async (id: string) => (await db.pool.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id])).rows[0]?.state;
  const keys = async () => (await db.pool.query(`SELECT key FROM idempotency_keys ORDER BY key`)).rows.map((row) => row.key);

  it('kill -9, a job committed, a new start: the job runs, once', async () => {
    service = await untilHealthy(await spawnService(env()));
    const signup = await fetch(`${service.url}/signup/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'crash_keys', email: 'crash@example.com', password: 'crash-password-1' }),
    });
    expect(signup.status).toBe(201);
    const { id: userId } = await signup.json();
    // One key two days old (the purge deletes it), one fresh (the purge keeps it).
    await db.pool.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status, response_status, response_body, created_at)
       VALUES ($1, 'old', repeat('a', 64), 'completed', 201, '{}', now() - interval '2 days'),
              ($1, 'fresh', repeat('b', 64), 'completed', 201, '{}', now())`,
      [userId],
    );

    // The service makes its queues a moment after it answers; pg-boss drops a job sent to a queue that does
    // not exist, so the job of this test waits for its queue as the service's own add() does.
    await waitFor('the service to have made its queues', async () => (await db.pool.query(`SELECT 1 FROM pgboss.queue WHERE name = $1`, [PURGE_EXPIRED_KEYS.name]).catch(() => ({ rowCount: 0 }))).rowCount === 1, 20_000);
    expect(await service.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const jobId = await commitJob();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await jobState(jobId)).toBe('created');
    expect(await keys()).toEqual(['fresh', 'old']);

    service = await untilHealthy(await spawnService(env()));
    await waitFor('the job committed while no instance lived to complete', async () => (await jobState(jobId)) === 'completed', 20_000);
    expect(await keys()).toEqual(['fresh']);
    // Completed on its first run: no retry, so not run twice.
    const { rows } = await db.pool.query(`SELECT retry_count FROM pgboss.job WHERE id = $1`, [jobId]);
    expect(rows).toEqual([{ retry_count: 0 }]);
  });
});
