import { Database } from '../../src/database/database';
import { JobKind } from '../../src/jobs/job-kind';
import { statement } from '../../src/database/statement';
import { Jobs } from '../../src/jobs/jobs';
import { insertJobs } from '../../src/jobs/sql/insert-jobs.sql';
import { E2eContext, setupE2e, startTestApp, TestApp } from '../setup/test-app';
import { waitFor } from '../support/wait';
import { adminToken, signupAndLogin } from '../factories';

/** Quick polls and retries: the specs wait for events, and a retry's backoff starts at 1 s. */
const QUEUE_ENV = { JOBS_POLL_SECONDS: '0.5', JOB_RETRY_DELAY_SECONDS: '1' };

interface Run {
  instance: 'a' | 'b';
  id: string;
  n: number;
}

const RECORD = new JobKind<{ n: number }>('test.record');
const FLAKY = new JobKind<{ n: number }>('test.flaky', { retryLimit: 3 });
const BROKEN = new JobKind<{ n: number }>('test.broken', { retryLimit: 1 });
const SLOW = new JobKind<{ n: number }>('test.slow');
const MIXED = new JobKind<{ n: number }>('test.mixed', { retryLimit: 2 });

/** The queue's own table, as the database holds it. */
async function jobRows(ctx: E2eContext, kind: JobKind<object>): Promise<{ id: string; state: string; n: number }[]> {
  const { rows } = await ctx.db.pool.query(`SELECT id, state, (data->>'n')::int AS n FROM pgboss.job WHERE name = $1 ORDER BY (data->>'n')::int`, [kind.name]);
  return rows;
}

describe('the job queue: added with the change, run once, by any instance (e2e)', () => {
  let ctx: E2eContext;
  let other: TestApp;
  const runs: Run[] = [];
  const flakyTries = new Map<number, number>();
  const mixedTries = new Map<number, number>();
  /** Until a fix is deployed, test.broken always fails. */
  let brokenFixed = false;

  /** Adds jobs in one transaction of an instance's database helper (a's by default); `fail` rolls it back after adding them. */
  async function addJobs(kind: JobKind<{ n: number }>, ns: number[], fail = false, app = ctx.app): Promise<void> {
    const jobs = app.get(Jobs);
    await app.get(Database).transaction(async (tx) => {
      for (const n of ns) await jobs.add(tx, kind, { n });
      if (fail) throw new Error('the change failed');
    });
  }

  beforeAll(async () => {
    ctx = await setupE2e({ env: QUEUE_ENV });
    other = await startTestApp(ctx.db.url, { env: QUEUE_ENV });
    for (const [instance, app] of [['a', ctx.app], ['b', other.app]] as const) {
      const jobs = app.get(Jobs);
      jobs.register(RECORD, async (job) => void runs.push({ instance, id: job.id, n: job.data.n }));
      jobs.register(FLAKY, async (job) => {
        const tries = (flakyTries.get(job.data.n) ?? 0) + 1;
        flakyTries.set(job.data.n, tries);
        if (tries < 3) throw new Error(`try ${tries} fails`);
      });
      // Odd numbers fail their first try; even ones never do.
      jobs.register(MIXED, async (job) => {
        const tries = (mixedTries.get(job.data.n) ?? 0) + 1;
        mixedTries.set(job.data.n, tries);
        if (job.data.n % 2 === 1 && tries === 1) throw new Error('odd jobs fail once');
      });
      jobs.register(BROKEN, async () => {
        if (!brokenFixed) throw new Error('always fails');
      });
    }
  });

  afterAll(async () => {
    await other?.close();
    await ctx?.teardown();
  });

  it('a job added in a transaction that rolls back does not exist, and never runs', async () => {
    await expect(addJobs(RECORD, [1001, 1002], true)).rejects.toThrow('the change failed');
    await addJobs(RECORD, [1003]);
    await waitFor('the committed job to run', () => runs.some((run) => run.n === 1003));
    expect(runs.filter((run) => run.n === 1001 || run.n === 1002)).toEqual([]);
    expect((await jobRows(ctx, RECORD)).map((row) => row.n)).toEqual([1003]);
  });

  it('60 jobs committed together: each runs exactly once across two instances, and ends completed', async () => {
    const ns = Array.from({ length: 60 }, (_, i) => i + 1);
    await addJobs(RECORD, ns);
    await waitFor('60 jobs to run', () => ns.every((n) => runs.some((run) => run.n === n)), 30_000);
    await waitFor('every job to be marked completed', async () => (await jobRows(ctx, RECORD)).every((row) => row.state === 'completed'));
    const ran = runs.filter((run) => run.n <= 60);
    expect(ran.map((run) => run.n).sort((x, y) => x - y)).toEqual(ns);
    expect(new Set(ran.map((run) => run.id)).size).toBe(60);
  });

  it("a statement's own insert (insertJobs) makes jobs like add's: they run once, with the kind's tries; a queue that does not exist fails the statement", async () => {
    const jobs = ctx.app.get(Jobs);
    const db = ctx.app.get(Database);
    const inserting = (kind: JobKind<object>) =>
      statement<[ns: number[]], never>({
        name: `test-insert-${kind.name}`,
        text: `WITH added AS (${insertJobs(kind, `SELECT jsonb_build_object('n', n) AS data FROM unnest($1::int[]) AS n`)}) SELECT 1 WHERE false`,
      });
    await jobs.ready(FLAKY);
    await db.transaction(async (tx) => void (await tx.rows(inserting(FLAKY), [2001, 2002])));
    await waitFor('both inserted jobs to complete, on their third try', () => flakyTries.get(2001) === 3 && flakyTries.get(2002) === 3, 30_000);
    const { rows } = await ctx.db.pool.query(`SELECT retry_limit, retry_backoff, state FROM pgboss.job WHERE name = $1 AND (data->>'n')::int >= 2001`, [FLAKY.name]);
    await waitFor('the jobs to be marked completed', async () => (await ctx.db.pool.query(`SELECT 1 FROM pgboss.job WHERE name = $1 AND (data->>'n')::int >= 2001 AND state = 'completed'`, [FLAKY.name])).rowCount === 2);
    expect(rows.map((row) => [row.retry_limit, row.retry_backoff])).toEqual([[3, true], [3, true]]);

    const NOWHERE = new JobKind<{ n: number }>('test.no-queue');
    await expect(db.transaction(async (tx) => void (await tx.rows(inserting(NOWHERE), [2003])))).rejects.toThrow(/partition/);
    expect((await ctx.db.pool.query(`SELECT 1 FROM pgboss.job WHERE name = $1`, [NOWHERE.name])).rowCount).toBe(0);
  });

  it('a run that throws is tried again with backoff, and the job completes', async () => {
    await addJobs(FLAKY, [1]);
    await waitFor('the flaky job to complete', async () => (await jobRows(ctx, FLAKY))[0]?.state === 'completed', 20_000);
    expect(flakyTries.get(1)).toBe(3);
  });

  it('jobs fetched together fail alone: in batches with failing jobs, each good one runs once, each failing one is retried, and all end completed', async () => {
    const ns = Array.from({ length: 24 }, (_, i) => i + 1);
    await addJobs(MIXED, ns);
    await waitFor('every job to complete', async () => {
      const rows = await jobRows(ctx, MIXED);
      return rows.length === ns.length && rows.every((row) => row.state === 'completed');
    }, 30_000);
    expect(ns.map((n) => [n, mixedTries.get(n)])).toEqual(ns.map((n) => [n, n % 2 === 1 ? 2 : 1]));
  });

  it('a job that keeps failing stays, as failed, where readiness and metrics show it', async () => {
    await addJobs(BROKEN, [1]);
    await waitFor('the broken job to use up its tries', async () => (await jobRows(ctx, BROKEN))[0]?.state === 'failed', 20_000);
    const ready = await ctx.http().get('/health/ready').expect(200);
    expect(ready.body.checks.jobs).toEqual({ status: 'up', due: expect.any(Number), failed: 1, oldest_due_seconds: expect.any(Number) });
    const metrics = await ctx.http().get('/metrics').expect(200);
    expect(metrics.text).toContain('job_queue_jobs{queue="test.broken",state="failed"} 1');
    // Either instance may have run each try: the two count two failed runs between them.
    const failedRuns = async (app: TestApp) =>
      Number(/jobs_total\{queue="test.broken",outcome="failed"\} (\d+)/.exec((await app.http().get('/metrics').expect(200)).text)?.[1] ?? 0);
    expect((await failedRuns(ctx)) + (await failedRuns(other))).toBe(2);
  });

  it('an admin sees the failed job and why (never its data), and runs it again once the cause is fixed', async () => {
    const admin = await adminToken(ctx.http);
    const [job] = await jobRows(ctx, BROKEN);
    const listed = await ctx.http().get('/jobs/failed/').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(listed.body).toEqual([{ id: job.id, queue: 'test.broken', created_at: expect.any(String), failed_at: expect.any(String), tries: 2, error: 'always fails' }]);
    const customer = await signupAndLogin(ctx.http);
    await ctx.http().get('/jobs/failed/').set('Authorization', `Bearer ${customer.access}`).expect(403);
    await ctx.http().post('/jobs/failed/00000000-0000-4000-8000-000000000000/retry/').set('Authorization', `Bearer ${admin}`).expect(404);
    await ctx.http().post('/jobs/failed/not-a-uuid/retry/').set('Authorization', `Bearer ${admin}`).expect(400);

    brokenFixed = true;
    await ctx.http().post(`/jobs/failed/${job.id}/retry/`).set('Authorization', `Bearer ${admin}`).expect(204);
    await waitFor('the retried job to complete', async () => (await jobRows(ctx, BROKEN))[0]?.state === 'completed', 20_000);
    expect((await ctx.http().get('/jobs/failed/').set('Authorization', `Bearer ${admin}`).expect(200)).body).toEqual([]);
  });

  it('an instance that stops while a job runs hands it back: another instance runs it to completion', async () => {
    const leaving = await startTestApp(ctx.db.url, { env: { ...QUEUE_ENV, JOBS_SHUTDOWN_GRACE_SECONDS: '1' } });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // The run on the leaving instance does not finish by itself: it is cut off by the shutdown.
    let release = () => undefined as void;
    leaving.app.get(Jobs).register(SLOW, () => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    });
    try {
      await addJobs(SLOW, [1], false, leaving.app);
      await running;
      await leaving.close();
      expect((await jobRows(ctx, SLOW))[0].state).toBe('retry');
      const finishedBy: string[] = [];
      ctx.app.get(Jobs).register(SLOW, async () => void finishedBy.push('a'));
      await waitFor('the handed-back job to complete', async () => (await jobRows(ctx, SLOW))[0]?.state === 'completed', 20_000);
      expect(finishedBy).toEqual(['a']);
    } finally {
      // Ended at last, or the stopped instance's worker would wait for it until the job's timeout (minutes), in this process.
      release();
    }
  });
});
