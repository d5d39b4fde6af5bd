import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BookingWorld, bookingWorld, unique } from '../factories';
import { ADMIN } from '../setup/test-app';
import { describeWithBrowser, expectAccessible, launchBrowser } from '../support/browser';
import { instantOf, wallClock } from '../support/time';

const CINEMA = 'Europe/Berlin';
/** A viewer nine hours behind the cinema: the browser's own zone must not leak into any time. */
const VIEWER = 'America/Los_Angeles';

describeWithBrowser("the cinema's own time, whatever the browser's (browser e2e)", () => {
  let { ctx, api, movieId } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ ctx, api, movieId } = await bookingWorld({ env: { CINEMA_TIME_ZONE: CINEMA } }));
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: ctx.url, locale: 'en-GB', timezoneId: VIEWER, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  });
  afterEach(() => expect(errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('staff type 14:00 and the show starts at 14:00 in the cinema; customers abroad read 14:00 too', async () => {
    const day = wallClock(Date.now() + 3 * 24 * 3600_000, CINEMA).slice(0, 10);
    const starts = instantOf(`${day} 14:00`, CINEMA);
    // In the viewer's own zone the show starts at another hour, so a time taken from the browser would show.
    expect(wallClock(starts, VIEWER).slice(11)).not.toBe('14:00');

    await page.goto('/login?next=%2Fadmin');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Movies' }).waitFor();
    await page.goto(`/admin/movies/${movieId}`);
    const schedule = page.locator('form', { has: page.getByRole('heading', { name: 'Schedule a show' }) });
    await schedule.getByText(`Cinema time (${CINEMA}).`).waitFor();
    await expectAccessible(page, "a movie's shows, for staff");
    const screen = `Screen ${unique()}`;
    await schedule.getByLabel('Screen').fill(screen);
    await schedule.getByLabel('Starts at').fill(`${day}T14:00`);
    await schedule.getByLabel('Seats').fill('20');
    await schedule.getByRole('button', { name: 'Schedule show' }).click();
    await page.getByRole('cell', { name: screen }).waitFor();

    const shows = (await api.movieShows(movieId).expect(200)).body as { id: number; screen_name: string; date_time: string; local_date_time: string }[];
    const show = shows.find((s) => s.screen_name === screen)!;
    expect(Date.parse(show.date_time)).toBe(starts);
    expect(show.local_date_time.slice(0, 16)).toBe(`${day}T14:00`);

    // The staff list and the edit form say 14:00 as well.
    await page.getByRole('row').filter({ hasText: screen }).getByText('14:00').waitFor();

    // A customer's page, in the same browser abroad.
    await page.goto(`/movies/${movieId}`);
    const link = page.locator(`a[href="/shows/${show.id}"]`);
    await link.waitFor();
    expect(await link.locator('.time').textContent()).toBe('14:00');
  });
});
