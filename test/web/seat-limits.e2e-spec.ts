import type { Browser } from 'playwright-core';
import { BookingWorld, bookingWorld } from '../factories';
import { describeWithBrowser, launchBrowser, openTab, seatState, signInTab, type Tab } from '../support/browser';

/** Limits other than the defaults (10 and 10), so a number the web app kept of its own would show. */
const MAX_HELD_SEATS_PER_SHOW = 3;
const MAX_BOOKED_SEATS_PER_SHOW = 7;

/**
 * The seat limits are the server's, configured per deployment: the API says
 * them (GET /booking-limits/) and the web app keeps a selection within them
 * instead of a number of its own.
 */
describe('seat limits: the API says them, the web app keeps to them (e2e)', () => {
  let { ctx, john, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, john, newShow } = await bookingWorld({
      env: { MAX_HELD_SEATS_PER_SHOW: String(MAX_HELD_SEATS_PER_SHOW), MAX_BOOKED_SEATS_PER_SHOW: String(MAX_BOOKED_SEATS_PER_SHOW) },
    }));
  });
  afterAll(() => ctx?.teardown());

  it('GET /booking-limits/ answers the limits this server enforces, to anyone, cacheable for a few minutes', async () => {
    const res = await ctx.http().get('/booking-limits/').expect(200);
    expect(res.body).toEqual({ max_seats_per_request: 10, max_held_seats_per_show: MAX_HELD_SEATS_PER_SHOW, max_booked_seats_per_show: MAX_BOOKED_SEATS_PER_SHOW });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  describeWithBrowser('in the browser', () => {
    let browser: Browser;
    let tab: Tab;

    beforeAll(async () => {
      browser = await launchBrowser();
      tab = await openTab(browser, ctx.url);
      await signInTab(tab, john);
    });
    afterAll(() => browser?.close());
    afterEach(() => expect(tab.errors).toEqual([]));

    it('lets a customer choose as many seats as they may hold, no more, and says so', async () => {
      const { page } = tab;
      await page.goto(`/shows/${(await newShow(30)).id}`);
      await page.getByText(`Choose up to ${MAX_HELD_SEATS_PER_SHOW} available seats on the map.`).waitFor();
      for (const seat of [1, 2, 3, 4]) await page.locator(`[data-seat="${seat}"]`).click();

      expect(await Promise.all([1, 2, 3, 4].map((seat) => seatState(page, seat)))).toEqual(['selected', 'selected', 'selected', 'available']);
      await page.getByRole('status').filter({ hasText: `You can choose up to ${MAX_HELD_SEATS_PER_SHOW} seats at a time.` }).waitFor();
      await page.getByRole('button', { name: `Hold ${MAX_HELD_SEATS_PER_SHOW} seats` }).waitFor();
    });
  });
});
