import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { Mailbox } from '../support/mailbox';
import { ServiceProcess, spawnService, untilHealthy } from '../support/service-process';
import { waitFor } from '../support/wait';

/**
 * The service accepts a password reset (so its message is committed, as a
 * job), then dies by SIGKILL before the message could be sent (the mail
 * server is down). Started again, with the mail server back, it sends it.
 */
describe('a message queued before kill -9 is sent after the restart (e2e, real processes)', () => {
  let db: TestDatabase;
  let mailbox: Mailbox;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    mailbox = await Mailbox.open();
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await mailbox?.stop();
    await db?.drop();
  });

  it('kill -9 with a message queued, mail server down; restart with it up: the message arrives, once', async () => {
    // A try cut off mid-send by the kill stays 'active' until JOB_TIMEOUT_SECONDS: short here, so the spec
    // sees that case through too. No yielding to requests: a process starting up is busy for seconds.
    const env = { DATABASE_URL: db.url, SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', JOB_RETRY_DELAY_SECONDS: '1', JOB_TIMEOUT_SECONDS: '4', JOBS_YIELD_SECONDS: '0' };
    service = await untilHealthy(await spawnService(env));
    const post = (path: string, body: unknown) =>
      fetch(`${service!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/signup/', { username: 'crash_mail', email: 'crash.mail@example.com', password: 'crash-password-1' })).status).toBe(201);

    await mailbox.stop();
    expect((await post('/password-reset/', { email: 'crash.mail@example.com' })).status).toBe(202);
    const state = async () => (await db.pool.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'mail.send'`)).rows;
    // The service tried, and the refused try is waiting to be retried.
    await waitFor('a failed try', async () => (await state())[0]?.retry_count >= 1, 15_000);
    expect(await service.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    await mailbox.start();
    service = await untilHealthy(await spawnService(env));
    const [mail] = await mailbox.received('crash.mail@example.com', 1, 60_000);
    expect(mail.subject).toMatch(/reset your password/);
    await waitFor('the job to be completed', async () => (await state())[0]?.state === 'completed');
    expect(mailbox.to('crash.mail@example.com')).toHaveLength(1);
  });
});
