import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, createMovie, createShow, CreatedShow, unique } from '../factories';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, saveScreenshot, type Tab } from '../support/browser';
import { instantOf, wallClock } from '../support/time';

/**
 * UTC+14 all year: at 09:00 there it is still 19:00 of the day before in UTC,
 * the browser's zone (openTab), so a day taken from the browser's clock and
 * not the cinema's would be the wrong one.
 */
const ZONE = 'Pacific/Kiritimati';
const DAY = 24 * 3600_000;

/** The two sizes: a phone first, and a laptop. */
const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1366, height: 900 } },
] as const;

/** A calendar day (YYYY-MM-DD) `n` days after `day`. */
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** How the app (locale en-GB) names a calendar day: its weekday, and its date in words. */
const inWords = (day: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', ...options }).format(new Date(`${day}T00:00:00Z`));

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describeWithBrowser("what's on: the home page opens on the day's shows, each a button to its seats (browser e2e)", () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  const tabs: Tab[] = [];
  /** Today as the cinema counts days (three days ahead, so the tests' shows are in the future): the clocks read 09:00 of it there. */
  let today: string;
  let now: Date;
  const movies = {} as Record<'arrival' | 'brazil' | 'casablanca', { id: number; title: string }>;
  const shows = {} as Record<'main' | 'started' | 'cancelled' | 'soldOut' | 'few' | 'later' | 'afterGap', CreatedShow>;

  /** The instant the cinema's clocks read `time` on `day`. */
  const at = (day: string, time: string) => new Date(instantOf(`${day} ${time}`, ZONE)).toISOString();

  /** A tab whose clock is the service's (09:00 in the cinema), in the browser's own zone, UTC. */
  const tab = async (viewport: { width: number; height: number }) => {
    const opened = await openTab(browser, ctx.url, viewport);
    await opened.context.clock.setSystemTime(now);
    tabs.push(opened);
    return opened.page;
  };
  const showtime = (page: Page, show: CreatedShow) => page.locator(`.whats-on a[href="/shows/${show.id}"]`);
  const dayButtons = (page: Page) => page.getByRole('group', { name: 'Day' }).getByRole('button');

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane } = await bookingWorld({ clock, env: { CINEMA_TIME_ZONE: ZONE } }));
    today = wallClock(Date.now() + 3 * DAY, ZONE).slice(0, 10);
    // 07:00 while the shows are made (one of them starts at 08:00), then 09:00.
    clock.set(new Date(at(today, '07:00')));
    movies.arrival = await createMovie(ctx.http, admin, { title: `Arrival ${unique()}` });
    movies.brazil = await createMovie(ctx.http, admin, { title: `Brazil ${unique()}` });
    movies.casablanca = await createMovie(ctx.http, admin, { title: `Casablanca ${unique()}` });
    const show = (movie: { id: number }, day: string, time: string, fields: Parameters<typeof createShow>[3] = {}) =>
      createShow(ctx.http, admin, movie.id, { date_time: at(day, time), total_seats: 40, ...fields });
    shows.started = await show(movies.arrival, today, '08:00');
    shows.main = await show(movies.arrival, today, '14:00', { price: 1250, currency: 'EUR' });
    shows.cancelled = await show(movies.brazil, today, '18:30');
    shows.soldOut = await show(movies.brazil, today, '20:00', { total_seats: 1 });
    shows.few = await show(movies.brazil, today, '21:15', { total_seats: 10 });
    // Tomorrow and the day after: nothing. Then one show, a day without any, and one more.
    shows.later = await show(movies.casablanca, plusDays(today, 3), '16:45');
    shows.afterGap = await show(movies.casablanca, plusDays(today, 5), '11:00');
    await api.cancelShow(admin, shows.cancelled.id).expect(200);
    await api.book(john, shows.soldOut.id, [1]).expect(201);
    await api.book(jane, shows.few.id, [1, 2, 3, 4, 5, 6, 7, 8, 9]).expect(201);
    now = new Date(at(today, '09:00'));
    clock.set(now);
    // The day boundary is real: in UTC (the browser's zone) it is still the day before.
    expect(wallClock(now.getTime(), 'UTC').slice(0, 10)).toBe(plusDays(today, -1));
    browser = await launchBrowser();
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  describe.each(SIZES)('at $viewport.width × $viewport.height', ({ name, viewport }) => {
    it("opens on the cinema's today: its shows by movie, each showtime a button with its state, that opens the show's seat map", async () => {
      const page = await tab(viewport);
      await page.goto('/');
      await page.getByRole('heading', { level: 1, name: "What's on" }).waitFor();
      await showtime(page, shows.main).waitFor();

      // Seven days, today first and pressed; the day's heading is the cinema's today, not the browser's.
      const days = dayButtons(page);
      expect(await days.count()).toBe(7);
      expect(await days.allTextContents()).toEqual([
        `Today ${inWords(today, { day: 'numeric', month: 'short' })}`,
        `Tomorrow ${inWords(plusDays(today, 1), { day: 'numeric', month: 'short' })}`,
        ...[2, 3, 4, 5, 6].map((n) => `${inWords(plusDays(today, n), { weekday: 'short' })} ${inWords(plusDays(today, n), { day: 'numeric', month: 'short' })}`),
      ]);
      expect(await days.evaluateAll((els) => els.map((el) => el.getAttribute('aria-pressed')))).toEqual(['true', ...Array(6).fill('false')]);
      const heading = await page.getByRole('heading', { level: 2, name: /^Today, / }).textContent();
      expect(heading).toContain(inWords(today, { weekday: 'long' }));
      expect(heading).toContain(inWords(today, { day: 'numeric', month: 'long' }));

      // By movie, the one with the earliest show still to come first; the 08:00 show has started and is not offered.
      expect(await page.locator('.whats-on h3').allTextContents()).toEqual([movies.arrival.title, movies.brazil.title]);
      expect(await page.locator('.whats-on h3 a').evaluateAll((els) => els.map((el) => el.getAttribute('href')))).toEqual([
        `/movies/${movies.arrival.id}`,
        `/movies/${movies.brazil.id}`,
      ]);
      expect(await showtime(page, shows.started).count()).toBe(0);
      expect(await showtime(page, shows.later).count()).toBe(0);

      // Each showtime: the time in the cinema's zone, the screen, the price, the seats; named with its movie and time.
      const main = page.getByRole('link', { name: `${movies.arrival.title}, 14:00, ${shows.main.screen_name}`, exact: false });
      expect(await main.getAttribute('href')).toBe(`/shows/${shows.main.id}`);
      expect(await main.innerText()).toMatch(new RegExp(`^14:00\\s+${shows.main.screen_name}\\s+€12\\.50\\s+40 seats free$`));
      await page.getByRole('link', { name: `${movies.brazil.title}, 18:30, ${shows.cancelled.screen_name}, Cancelled`, exact: true }).waitFor();
      expect(await showtime(page, shows.cancelled).getAttribute('class')).toContain('cancelled');
      expect(await showtime(page, shows.soldOut).innerText()).toContain('Sold out');
      await page.getByRole('link', { name: `${movies.brazil.title}, 20:00, ${shows.soldOut.screen_name}, Free, Sold out`, exact: true }).waitFor();
      expect(await showtime(page, shows.few).innerText()).toContain('Only 1 left');

      // It fits: no sideways scroll, every button and link here at least 24 × 24 px.
      expect(await scrollsSideways(page)).toBe(false);
      const small = await page
        .locator('.whats-on button, .whats-on a.show-time')
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).filter((r) => r.width < 24 || r.height < 24 || r.right > window.innerWidth));
      expect(small).toEqual([]);
      await expectAccessible(page, `what's on, today (${name})`);
      await saveScreenshot(page, `whats-on-${name}`);

      // The movie list is still there, below.
      await page.getByRole('heading', { level: 2, name: 'All movies' }).waitFor();
      await page.getByRole('searchbox', { name: 'Search by title' }).waitFor();
      await page.locator('.cards .card h3', { hasText: movies.casablanca.title }).waitFor();

      // One tap to the seats.
      await main.click();
      await page.waitForURL(`/shows/${shows.main.id}`);
      await page.getByText('Live: seats change here').waitFor();
      await page.locator('[data-seat="1"]').waitFor();
      expect(await scrollsSideways(page)).toBe(false);
    });

    it('shows another day from its button, keeps it in the address through a reload, and offers the next day with shows after an empty one', async () => {
      const page = await tab(viewport);
      const third = plusDays(today, 3);
      await page.goto('/');
      await showtime(page, shows.main).waitFor();

      await dayButtons(page).nth(3).click();
      await page.waitForURL(`/?day=${third}`);
      const later = page.getByRole('link', { name: `${movies.casablanca.title}, 16:45, ${shows.later.screen_name}`, exact: false });
      await later.waitFor();
      expect(await showtime(page, shows.main).count()).toBe(0);
      expect(await dayButtons(page).nth(3).getAttribute('aria-pressed')).toBe('true');
      expect(await dayButtons(page).nth(0).getAttribute('aria-pressed')).toBe('false');
      const heading = page.getByRole('heading', { level: 2, name: inWords(third, { weekday: 'long' }) });
      expect(await heading.textContent()).toContain(inWords(third, { day: 'numeric', month: 'long' }));

      // The day is in the address: a reload shows it again.
      await page.reload();
      await later.waitFor();
      expect(await dayButtons(page).nth(3).getAttribute('aria-pressed')).toBe('true');
      expect(await scrollsSideways(page)).toBe(false);
      await expectAccessible(page, `what's on, another day (${name})`);

      // A day without shows says so, and offers the next one that has some.
      await dayButtons(page).nth(4).click();
      await page.waitForURL(`/?day=${plusDays(today, 4)}`);
      await page.getByText(`No shows on ${inWords(plusDays(today, 4), { weekday: 'long' })}`).waitFor();
      const next = page.getByRole('link', { name: /^Next shows: / });
      expect(await next.textContent()).toContain(inWords(plusDays(today, 5), { weekday: 'long' }));
      await expectAccessible(page, `what's on, an empty day (${name})`);
      await next.click();
      await page.waitForURL(`/?day=${plusDays(today, 5)}`);
      await showtime(page, shows.afterGap).waitFor();
      expect(await showtime(page, shows.afterGap).locator('.time').textContent()).toBe('11:00');
      expect(await dayButtons(page).nth(5).getAttribute('aria-pressed')).toBe('true');

      // Back to today, and no day in the address.
      await dayButtons(page).nth(0).click();
      await page.waitForURL('/');
      await showtime(page, shows.main).waitFor();
    });
  });
});
