import type { ParsedMail } from 'mailparser';
import { ManualClock } from '../../src/common/clock';
import { apiOf } from '../support/api';
import { expectProblem } from '../support/problem';
import { Mailbox } from '../support/mailbox';
import { waitFor } from '../support/wait';
import { logIn, signupAndLogin, TestUser, unique } from '../factories';
import { E2eContext, setupE2e } from '../setup/test-app';

/** The code a password-reset message carries, from its plain-text part. */
function codeOf(mail: ParsedMail): string {
  const code = /Code, if the link does not open: (\S+)/.exec(mail.text ?? '')?.[1];
  if (!code) throw new Error(`no code in:\n${mail.text}`);
  return code;
}

describe('password reset by e-mail (e2e, a real SMTP server)', () => {
  const clock = new ManualClock();
  let ctx: E2eContext;
  let mailbox: Mailbox;
  const api = () => apiOf(ctx);

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ctx = await setupE2e({ clock, env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', JOB_RETRY_DELAY_SECONDS: '1', CINEMA_NAME: 'Roxy', PUBLIC_URL: 'https://tickets.roxy.example' } });
  });

  afterAll(async () => {
    await ctx?.teardown();
    await mailbox?.stop();
  });

  const emailOf = (user: TestUser) => `${user.username}@example.com`;

  it('sends a code that sets a new password once and ends every session', async () => {
    const user = await signupAndLogin(ctx.http);
    const started = performance.now();
    await api().requestPasswordReset(emailOf(user)).expect(202);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);

    const [mail] = await mailbox.received(emailOf(user));
    expect(mail.subject).toBe('Roxy: reset your password');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Roxy', address: 'box-office@localhost' });
    const code = codeOf(mail);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail.html).toContain(`https://tickets.roxy.example/reset-password#token=${code}`);
    expect(mail.text).toContain(`https://tickets.roxy.example/reset-password#token=${code}`);

    await api().confirmPasswordReset(code, 'a-brand-new-password').expect(204);
    await api().refresh(user.refresh).expect(401);
    await api().login({ username: user.username, password: user.password }).expect(401);
    await logIn(ctx.http, { ...user, password: 'a-brand-new-password' });

    const again = await api().confirmPasswordReset(code, 'yet-another-password').expect(400);
    expectProblem(again, 400, 'RESET_TOKEN_USED');
    await logIn(ctx.http, { ...user, password: 'a-brand-new-password' });
  });

  it('a code past its 30 minutes is refused, and changes nothing', async () => {
    const user = await signupAndLogin(ctx.http);
    await api().requestPasswordReset(emailOf(user)).expect(202);
    const code = codeOf((await mailbox.received(emailOf(user)))[0]);
    clock.advance(30 * 60_000 + 1000);
    expectProblem(await api().confirmPasswordReset(code, 'a-brand-new-password').expect(400), 400, 'RESET_TOKEN_EXPIRED');
    await logIn(ctx.http, user);
  });

  it('an unknown code, or a malformed body, is refused', async () => {
    expectProblem(await api().confirmPasswordReset('not-a-code-we-sent', 'a-brand-new-password').expect(400), 400, 'RESET_TOKEN_INVALID');
    expectProblem(await api().confirmPasswordReset('x', 'short').expect(400), 400, 'VALIDATION_FAILED');
    expectProblem(await api().requestPasswordReset('not an address').expect(400), 400, 'VALIDATION_FAILED');
  });

  it('an address with no account: the same 202 in the same time, and no message', async () => {
    const nobody = `nobody_${unique()}@example.com`;
    const started = performance.now();
    await api().requestPasswordReset(nobody).expect(202);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    // A message asked for afterwards arrives: the queue has run past the request for nobody.
    const user = await signupAndLogin(ctx.http);
    await api().requestPasswordReset(emailOf(user)).expect(202);
    await mailbox.received(emailOf(user));
    expect(mailbox.to(nobody)).toEqual([]);
  });

  it('every account with the address gets its own message and code', async () => {
    const shared = `family_${unique()}@example.com`;
    for (const name of [`mum_${unique()}`, `dad_${unique()}`]) {
      await api().signup({ username: name, email: shared, password: 'password123' }).expect(201);
    }
    await api().requestPasswordReset(shared.toUpperCase()).expect(202);
    const mails = await mailbox.received(shared, 2);
    expect(new Set(mails.map(codeOf)).size).toBe(2);
    expect(mails.map((mail) => /Hello (\S+),/.exec(mail.text ?? '')?.[1]).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^mum_/), expect.stringMatching(/^dad_/)]));
  });

  it('the mail server down for a while, then back: the message arrives, once', async () => {
    const user = await signupAndLogin(ctx.http);
    await mailbox.stop();
    await api().requestPasswordReset(emailOf(user)).expect(202);
    const failures = async () => Number(/emails_total\{kind="password-reset",outcome="failed"\} (\d+)/.exec((await ctx.http().get('/metrics')).text)?.[1] ?? 0);
    const before = await failures();
    await waitFor('a failed try while the server is down', async () => (await failures()) > before, 15_000);
    await mailbox.start();
    const [mail] = await mailbox.received(emailOf(user), 1, 30_000);
    await api().confirmPasswordReset(codeOf(mail), 'back-online-password').expect(204);
    expect(mailbox.to(emailOf(user))).toHaveLength(1);
  });
});
