import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/app-config';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupAndLogin, unique } from '../factories';
import { closeTabs, describeWithBrowser, launchBrowser, openTab, signInTab, type Tab } from '../support/browser';
import { signJwt } from '../support/problem';

const DAY_MS = 24 * 3600 * 1000;
const SESSION_KEY = 'box-office.session';
const secret = loadConfig({ NODE_ENV: 'test' }).auth.jwtSecret;

/** The access token `token`, re-signed to have expired a minute ago: what a tab holds after a long lunch. */
function expired(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, number>;
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ ...claims, iat: now - 3600, exp: now - 60 }, secret);
}

const storedSession = (page: Page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as { access: string; refresh: string } | null, SESSION_KEY);

describeWithBrowser('accounts and my bookings (browser e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, movieId } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  const tabs: Tab[] = [];

  const tab = async () => {
    const opened = await openTab(browser, ctx.url);
    tabs.push(opened);
    return opened;
  };

  beforeAll(async () => {
    ({ ctx, api, admin, movieId } = await bookingWorld({ clock }));
    browser = await launchBrowser();
  });
  beforeEach(() => clock.set(new Date()));
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('signs up, is signed in at once, logs out (the refresh token revoked), logs back in where it was going', async () => {
    const { page } = await tab();
    const username = `web_${unique()}`;
    await page.goto('/signup?next=%2Fmy-bookings');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill(`${username}@example.com`);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // The API's own words, under the field they concern.
    await page.locator('.field-error').filter({ hasText: /password/i }).waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Password').fill('a good password 1');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My bookings' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/my-bookings');
    await page.getByText(username, { exact: true }).waitFor();
    const session = await storedSession(page);
    expect(session).toEqual({ access: expect.any(String), refresh: expect.any(String) });

    await page.getByRole('button', { name: 'Log out' }).click();
    // Logging out lands on the programme; until it gets there, My bookings shows a "Log in" link of its own too.
    await page.getByRole('heading', { name: 'Movies' }).waitFor();
    const headerLogIn = page.getByRole('banner').getByRole('link', { name: 'Log in' });
    await headerLogIn.waitFor();
    expect(await storedSession(page)).toBeNull();
    await api.refresh(session!.refresh).expect(401);

    await headerLogIn.click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.getByRole('alert').textContent()).toBeTruthy();
    await page.getByRole('alert').filter({ hasText: /password/i }).waitFor();
    await page.getByLabel('Password').fill('a good password 1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Movies' }).waitFor();
    await page.getByRole('link', { name: 'My bookings' }).waitFor();
  });

  it('refreshes an expired access token silently, with the rotating refresh token, and carries on', async () => {
    const user = await signupAndLogin(ctx.http);
    const opened = await tab();
    await signInTab(opened, { access: expired(user.access), refresh: user.refresh });
    const refreshes: string[] = [];
    opened.page.on('request', (req) => req.url().endsWith('/login/refresh') && refreshes.push(req.url()));

    await opened.page.goto('/my-bookings');
    await opened.page.getByText('No upcoming bookings.').waitFor();
    const after = await storedSession(opened.page);
    expect(refreshes).toHaveLength(1);
    expect(after!.refresh).not.toBe(user.refresh);
    // The used refresh token is spent; the new pair works.
    await api.refresh(user.refresh).expect(401);
    await api.me(after!.access).expect(200);
  });

  it('a token the API refuses although it looks valid is refreshed and the request retried once', async () => {
    const user = await signupAndLogin(ctx.http);
    const claims = JSON.parse(Buffer.from(user.access.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const forged = signJwt(claims, 'not the service secret, so refused');
    const opened = await tab();
    await signInTab(opened, { access: forged, refresh: user.refresh });
    await opened.page.goto('/my-bookings');
    await opened.page.getByText('No upcoming bookings.').waitFor();
    expect((await storedSession(opened.page))!.access).not.toBe(forged);
  });

  it('two tabs whose token expired refresh once between them, so the rotation never revokes the session', async () => {
    const user = await signupAndLogin(ctx.http);
    const first = await tab();
    await signInTab(first, { access: expired(user.access), refresh: user.refresh });
    const second = await first.context.newPage();
    const refreshes: string[] = [];
    first.context.on('request', (req) => req.url().endsWith('/login/refresh') && refreshes.push(req.url()));
    // What each tab asked and got, for the failure message: a tab that never shows its list says why.
    const traffic: string[] = [];
    first.context.on('response', (res) => traffic.push(`${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`));
    first.context.on('requestfailed', (req) => traffic.push(`${req.method()} ${new URL(req.url()).pathname} failed: ${req.failure()?.errorText}`));

    await Promise.all([first.page.goto('/my-bookings'), second.goto('/my-bookings')]);
    await Promise.all(
      [first.page, second].map((page, i) =>
        page
          .getByText('No upcoming bookings.')
          .waitFor()
          .catch(async (error: Error) => {
            const shown = await page.locator('body').innerText().catch(() => '(unreadable)');
            throw new Error(`tab ${i + 1}: ${error.message}\nit shows: ${shown}\ntraffic: ${traffic.filter((line) => !/\.(js|css|svg|woff2?)\b/.test(line)).join('; ')}`);
          }),
      ),
    );
    expect(refreshes).toHaveLength(1);
    await api.me((await storedSession(second))!.access).expect(200);
  });

  it("a tab whose localStorage still shows the pair another tab just rotated does not send the spent refresh token (which would revoke the session)", async () => {
    const user = await signupAndLogin(ctx.http);
    const stale = { access: expired(user.access), refresh: user.refresh };
    const first = await tab();
    await signInTab(first, stale);
    const refreshes: number[] = [];
    first.context.on('response', (res) => res.url().endsWith('/login/refresh') && refreshes.push(res.status()));
    await first.page.goto('/my-bookings');
    await first.page.getByText('No upcoming bookings.').waitFor();
    expect(refreshes).toEqual([200]);
    // The second tab's localStorage lags behind (Chromium hands other tabs' changes over asynchronously): for a
    // while it still reads the pair the first tab has just rotated.
    const second = await first.context.newPage();
    await second.addInitScript(
      ({ key, value }) => {
        const getItem = Storage.prototype.getItem;
        const until = Date.now() + 10_000;
        Storage.prototype.getItem = function (this: Storage, name: string) {
          return name === key && Date.now() < until ? value : getItem.call(this, name);
        };
      },
      { key: SESSION_KEY, value: JSON.stringify(stale) },
    );
    await second.goto('/my-bookings');
    await second.getByText('No upcoming bookings.').waitFor();
    expect(refreshes).toEqual([200]);
    await api.me((await storedSession(first.page))!.access).expect(200);
  });

  it('my bookings: upcoming and past apart, cancel after a confirmation, cancelled shown as such', async () => {
    const user = await signupAndLogin(ctx.http);
    // A show that has already happened: scheduled and booked while the service's clock said it was two days ago.
    clock.set(new Date(Date.now() - 2 * DAY_MS));
    const past = (await api.createShow(admin, movieId, { screen_name: `Past ${unique()}`, date_time: new Date(Date.now() - DAY_MS).toISOString(), total_seats: 40 }).expect(201)).body;
    await api.book(user, past.id, 3).expect(201);
    clock.set(new Date());
    const coming = (await api.createShow(admin, movieId, { screen_name: `Soon ${unique()}`, date_time: new Date(Date.now() + DAY_MS).toISOString(), total_seats: 40 }).expect(201)).body;
    const [kept, toCancel] = (await api.book(user, coming.id, [21, 22]).expect(201)).body as { id: number }[];

    const opened = await tab();
    await signInTab(opened, user);
    const { page } = opened;
    await page.goto('/my-bookings');
    const upcoming = page.locator('h2:has-text("Upcoming") + ul > li');
    await upcoming.first().waitFor();
    expect(await upcoming.count()).toBe(2);
    // Seat 21 of a 40-seat show: two rows of 20, so row B, seat 1.
    await page.getByRole('listitem', { name: /Row B seat 2$/ }).getByRole('button', { name: 'Cancel…' }).click();
    await page.getByText('Cancel this booking? The seat goes back on sale at once.').waitFor();
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect((await api.myBookings(user, { status: 'booked' }).expect(200)).body).toHaveLength(3);

    await page.getByRole('listitem', { name: /Row B seat 2$/ }).getByRole('button', { name: 'Cancel…' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByRole('listitem', { name: /Row B seat 2, cancelled$/ }).getByText(/^Cancelled/).waitFor();
    expect(await page.getByRole('listitem', { name: /Row B seat 1$/ }).getByRole('button', { name: 'Cancel…' }).count()).toBe(1);
    const pastItems = page.locator('h2:has-text("Past") + ul > li');
    expect(await pastItems.count()).toBe(1);
    expect(await pastItems.getByRole('button').count()).toBe(0);
    expect(await pastItems.textContent()).toMatch(/Row A seat 3/);

    const mine = (await api.myBookings(user).expect(200)).body as { id: number; status: string }[];
    expect(Object.fromEntries(mine.map((b) => [b.id, b.status]))).toMatchObject({ [kept.id]: 'booked', [toCancel.id]: 'cancelled' });
  });
});
