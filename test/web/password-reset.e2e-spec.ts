import type { ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { signupAndLogin, TestUser } from '../factories';
import { E2eContext, setupE2e } from '../setup/test-app';
import { apiOf } from '../support/api';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, type Tab } from '../support/browser';
import { Mailbox } from '../support/mailbox';

/** The service's PUBLIC_URL: the app's own address is known only once it listens, so links are read off the mail and sent there. */
const PUBLIC_URL = 'https://tickets.box-office.example';
const SENT = 'If an account uses that address, we have sent it a link to choose a new password. It works for 30 minutes.';
const CHANGED = 'Your password is changed; log in with the new one. All other sessions of your account were signed out.';
const USED = 'This password-reset link has been used already: each link changes the password once.';
const INVALID = 'This password-reset link is not valid: it may be incomplete, or from another message.';

/** The code a password-reset message carries, from its plain-text part. */
function codeOf(mail: ParsedMail): string {
  const code = /Code, if the link does not open: (\S+)/.exec(mail.text ?? '')?.[1];
  if (!code) throw new Error(`no code in:\n${mail.text}`);
  return code;
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
const pathOf = (page: Page) => new URL(page.url()).pathname;

describeWithBrowser('password reset in the web app (browser e2e, a real SMTP server)', () => {
  let ctx: E2eContext;
  let mailbox: Mailbox;
  let browser: Browser;
  const tabs: Tab[] = [];
  const api = () => apiOf(ctx);
  const emailOf = (user: TestUser) => `${user.username}@example.com`;

  /** The link of the message, on the app under test: same path, same fragment. */
  function linkOf(mail: ParsedMail): string {
    const code = codeOf(mail);
    const link = `${PUBLIC_URL}/reset-password#token=${code}`;
    expect(mail.text).toContain(link);
    return `${ctx.url}/reset-password#token=${code}`;
  }

  const tab = async () => {
    const opened = await openTab(browser, ctx.url);
    tabs.push(opened);
    return opened;
  };

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ctx = await setupE2e({ env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', PUBLIC_URL } });
    browser = await launchBrowser();
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
    await mailbox?.stop();
  });

  it('forgot password from the login page, the link in the mail, a new password, logged in with it', async () => {
    const user = await signupAndLogin(ctx.http);
    const { page } = await tab();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    expect(pathOf(page)).toBe('/forgot-password');
    await expectAccessible(page, '/forgot-password');

    const email = page.getByLabel('Email');
    expect(await email.getAttribute('autocomplete')).toBe('email');
    await email.fill(emailOf(user));
    await page.getByRole('button', { name: 'Send the link' }).click();
    // In the page (the app's live region repeats what it announces).
    await page.getByRole('main').getByText(SENT).waitFor();
    // The outcome takes the form's place, and the keyboard goes to it.
    expect(await focusedText(page)).toBe(SENT);
    await expectAccessible(page, '/forgot-password, sent');

    const [mail] = await mailbox.received(emailOf(user));
    const link = linkOf(mail);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // The code leaves the address bar (and so the history entry) at once.
    await page.waitForFunction(() => location.hash === '');
    expect(page.url()).toBe(`${ctx.url}/reset-password`);
    await expectAccessible(page, '/reset-password');

    // The two fields must match before anything is sent.
    const confirms: string[] = [];
    page.on('request', (request) => request.url().includes('/password-reset/confirm') && confirms.push(request.url()));
    await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password');
    await page.getByLabel('Confirm new password').fill('a-brand-new-passwort');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The two passwords are not the same. Type the new password again.').waitFor();
    expect(await page.getByLabel('Confirm new password').getAttribute('aria-invalid')).toBe('true');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'password-again');
    expect(confirms).toEqual([]);

    await page.getByLabel('Confirm new password').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('main').getByText(CHANGED).waitFor();
    expect(pathOf(page)).toBe('/login');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await expectAccessible(page, '/login, after a password reset');

    // The old password and the sessions before the reset are gone; the new password logs in.
    await api().login({ username: user.username, password: user.password }).expect(401);
    await api().refresh(user.refresh).expect(401);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Movies' }).waitFor();
    await page.getByRole('banner').getByText(user.username, { exact: true }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Log out' }).waitFor();
  });

  it('a link already used: a clear sentence, and the way to a new link', async () => {
    const user = await signupAndLogin(ctx.http);
    await api().requestPasswordReset(emailOf(user)).expect(202);
    const [mail] = await mailbox.received(emailOf(user));
    // Used once (here through the API), then the same link opened again.
    await api().confirmPasswordReset(codeOf(mail), 'a-brand-new-password').expect(204);
    const link = linkOf(mail);

    const { page } = await tab();
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('yet-another-password');
    await page.getByLabel('Confirm new password').fill('yet-another-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    const alert = page.getByRole('alert').filter({ hasText: USED });
    await alert.waitFor();
    expect(await focusedText(page)).toContain(USED);
    await expectAccessible(page, '/reset-password, a used link');
    await alert.getByRole('link', { name: 'Ask for a new link' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    expect(pathOf(page)).toBe('/forgot-password');
    await api().login({ username: user.username, password: 'yet-another-password' }).expect(401);
    await api().login({ username: user.username, password: 'a-brand-new-password' }).expect(200);
  });

  it('an address with no account gets the same words', async () => {
    const { page } = await tab();
    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill('nobody-at-all@example.com');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('main').getByText(SENT).waitFor();
  });

  it('without a code, or with one the service never sent: a sentence and the way to a new link', async () => {
    const { page } = await tab();
    await page.goto('/reset-password');
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByText(/This page needs the link from the password-reset e-mail/).waitFor();
    expect(await page.locator('main input').count()).toBe(0);
    await expectAccessible(page, '/reset-password, no code');
    await page.getByRole('link', { name: 'ask for a new link' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();

    await page.goto('/reset-password#token=not-a-code-we-sent');
    await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password');
    await page.getByLabel('Confirm new password').fill('a-brand-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: INVALID }).getByRole('link', { name: 'Ask for a new link' }).waitFor();
  });
});
