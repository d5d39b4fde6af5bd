import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { Database } from '../../src/database/database';
import { Mailer } from '../../src/mail/mailer';
import { apiOf } from '../support/api';
import { Mailbox } from '../support/mailbox';
import { waitFor } from '../support/wait';
import { signupAndLogin, unique } from '../factories';
import { E2eContext, setupE2e, startTestApp, TestApp } from '../setup/test-app';

const QUEUE_ENV = { JOBS_POLL_SECONDS: '0.5', JOB_RETRY_DELAY_SECONDS: '1' };

describe('e-mail delivery (e2e, a real SMTP server)', () => {
  let ctx: E2eContext;
  let other: TestApp;
  let mailbox: Mailbox;

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ctx = await setupE2e({ env: { ...QUEUE_ENV, SMTP_URL: mailbox.url } });
    other = await startTestApp(ctx.db.url, { env: { ...QUEUE_ENV, SMTP_URL: mailbox.url } });
  });

  afterAll(async () => {
    await other?.close();
    await ctx?.teardown();
    await mailbox?.stop();
  });

  const message = (username: string) => ({ username, link: 'https://example.test/reset', token: 'code', minutes: 30 });

  it('a message queued in a transaction that rolls back is never sent', async () => {
    const rolledBack = `rolled_${unique()}@example.com`;
    const committed = `committed_${unique()}@example.com`;
    const mailer = ctx.app.get(Mailer);
    await expect(
      ctx.app.get(Database).transaction(async (tx) => {
        await mailer.queue(tx, 'password-reset', rolledBack, message('rolled'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await ctx.app.get(Database).transaction((tx) => mailer.queue(tx, 'password-reset', committed, message('committed')));
    await mailbox.received(committed);
    expect(mailbox.to(rolledBack)).toEqual([]);
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' = $1`, [rolledBack]);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('two instances, 30 requests: each message is sent once', async () => {
    const users = await Promise.all(Array.from({ length: 30 }, () => signupAndLogin(ctx.http)));
    const addresses = users.map((user) => `${user.username}@example.com`);
    await Promise.all(addresses.map((address, i) => apiOf(i % 2 ? other : ctx).requestPasswordReset(address).expect(202)));
    await waitFor('30 messages', () => addresses.every((address) => mailbox.to(address).length > 0), 30_000);
    await waitFor('every mail job to be marked completed', async () => {
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' = ANY($1) AND state <> 'completed'`, [addresses]);
      return rows[0].n === 0;
    });
    expect(addresses.filter((address) => mailbox.to(address).length !== 1)).toEqual([]);
  });
});

describe('e-mail without SMTP_URL: .eml files (the embedded default)', () => {
  let ctx: E2eContext;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cinema-test-mail-'));
    ctx = await setupE2e({ env: { ...QUEUE_ENV, MAIL_DIR: dir, CINEMA_NAME: 'Odeon' } });
  });

  afterAll(async () => {
    await ctx?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each message as an .eml file a mail program opens', async () => {
    const user = await signupAndLogin(ctx.http);
    await apiOf(ctx).requestPasswordReset(`${user.username}@example.com`).expect(202);
    let files: string[] = [];
    await waitFor('an .eml file', async () => (files = (await readdir(dir)).filter((f) => f.endsWith('.eml'))).length === 1);
    const mail = await simpleParser(await readFile(join(dir, files[0])));
    expect(mail.subject).toBe('Odeon: reset your password');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : undefined).toBe(`${user.username}@example.com`);
    expect(mail.html).toContain('Choose a new password');
    expect(mail.text).toContain(`Hello ${user.username},`);
  });
});
