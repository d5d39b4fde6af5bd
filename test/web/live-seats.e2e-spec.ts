import type { Browser } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld } from '../factories';
import { describeWithBrowser, launchBrowser, openTab, seatBecomes, seatState, signInTab, type Tab } from '../support/browser';

const HOLD_TTL_SECONDS = 600;
/** The promise: another customer's choice shows within a second, with no reload. */
const LIVE_MS = 1000;

describeWithBrowser('two customers on one show, live (browser e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  let a: Tab;
  let b: Tab;
  let showId: number;

  /** A tab on the show's page, its map drawn and its seat stream open. */
  async function onShow(tab: Tab): Promise<void> {
    await tab.page.goto(`/shows/${showId}`);
    await tab.page.getByText('Live: seats change here').waitFor();
    await tab.page.locator('[data-seat="1"]').waitFor();
  }

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock, env: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS) } }));
    browser = await launchBrowser();
    showId = (await newShow(30)).id;
    [a, b] = await Promise.all([openTab(browser, ctx.url), openTab(browser, ctx.url)]);
    await signInTab(a, john);
    await signInTab(b, jane);
    await Promise.all([onShow(a), onShow(b)]);
    // The service's clock was made when this file loaded; the pages count holds down by the browser's clock.
    // A slow set-up (two busy cores) must not make a fresh hold look older than it is.
    clock.set(new Date());
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  afterEach(() => {
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('A holds two seats: B sees them held within a second; A confirms: B sees them booked, A sees them as theirs', async () => {
    await a.page.getByRole('button', { name: 'Row A seat 5, available' }).click();
    await a.page.getByRole('button', { name: 'Row A seat 6, available' }).click();
    expect(await a.page.getByRole('button', { name: 'Row A seat 5, selected' }).getAttribute('aria-pressed')).toBe('true');

    const held = a.page.waitForResponse((res) => res.url().endsWith(`/shows/${showId}/holds`) && res.status() === 201);
    await a.page.getByRole('button', { name: 'Hold 2 seats' }).click();
    await held;
    await Promise.all([seatBecomes(b.page, 5, 'held', LIVE_MS), seatBecomes(b.page, 6, 'held', LIVE_MS)]);
    await b.page.getByRole('button', { name: 'Row A seat 5, held by someone else' }).waitFor();
    await a.page.getByText('Held for you: A5 and A6').waitFor();
    expect(await a.page.locator('.countdown').textContent()).toMatch(/^(10:00|9:5\d) left to confirm$/);

    const booked = a.page.waitForResponse((res) => /\/holds\/\d+\/confirm$/.test(res.url()) && res.status() === 201);
    await a.page.getByRole('button', { name: 'Confirm booking of 2 seats' }).click();
    await booked;
    await Promise.all([seatBecomes(b.page, 5, 'booked', LIVE_MS), seatBecomes(b.page, 6, 'booked', LIVE_MS)]);
    await a.page.locator('.checkout').getByText('Booked: A5 and A6. Enjoy the show!').waitFor();
    expect(await a.page.getByRole('status').textContent()).toMatch(/^Booked: A5 and A6\. Enjoy the show!/);
    await seatBecomes(a.page, 5, 'mine-booked');
    expect(await seatState(a.page, 6)).toBe('mine-booked');
    // What the screens show is what the database holds.
    const seats = (await api.seatMap(showId).expect(200)).body.seats as { seat_number: number; status: string }[];
    expect(seats.filter((s) => s.status !== 'available').map((s) => s.seat_number)).toEqual([5, 6]);
  });

  it('a seat another customer takes from B’s selection is unselected and said at once', async () => {
    await b.page.getByRole('button', { name: 'Row A seat 8, available' }).click();
    await api.book(john, showId, 8).expect(201);
    await seatBecomes(b.page, 8, 'booked', LIVE_MS);
    await b.page.getByRole('alert').filter({ hasText: 'A8 was just taken by someone else.' }).waitFor();
    expect(await b.page.getByRole('button', { name: /Hold/ }).count()).toBe(0);
  });

  it('B, whose live updates are lost, tries a seat taken meanwhile: the API’s refusal is shown and the seat marked taken', async () => {
    const offline = await openTab(browser, ctx.url);
    await signInTab(offline, jane);
    await offline.context.route('**/seats/stream', (route) => route.abort());
    await offline.page.goto(`/shows/${showId}`);
    await offline.page.getByRole('button', { name: 'Row A seat 10, available' }).click();
    await api.book(john, showId, 10).expect(201);

    await offline.page.getByRole('button', { name: 'Hold 1 seat' }).click();
    await offline.page.getByRole('alert').filter({ hasText: 'seat 10' }).waitFor();
    expect(await offline.page.getByRole('alert').textContent()).toMatch(/booked|taken/i);
    await seatBecomes(offline.page, 10, 'booked');
    expect(await offline.page.getByRole('button', { name: 'Row A seat 10, booked' }).getAttribute('aria-disabled')).toBe('true');
    await offline.context.close();
  });

  it('when A’s hold expires, its seats are free again on B’s screen, and A is told', async () => {
    await a.page.getByRole('button', { name: 'Row A seat 11, available' }).click();
    await a.page.getByRole('button', { name: 'Row A seat 12, available' }).click();
    await a.page.getByRole('button', { name: 'Hold 2 seats' }).click();
    await Promise.all([seatBecomes(b.page, 11, 'held'), seatBecomes(b.page, 12, 'held')]);

    // The service's clock passes the hold's expiry; its sweeper (once a second) announces it.
    clock.advance(HOLD_TTL_SECONDS * 1000 + 1);
    await Promise.all([seatBecomes(b.page, 11, 'available', 3000), seatBecomes(b.page, 12, 'available', 3000)]);
    await a.page.getByRole('alert').filter({ hasText: 'Your hold on A11 and A12 has ended; the seats are free again.' }).waitFor();
    await seatBecomes(a.page, 11, 'available');
    // The page then re-reads A's holds (GET /my-holds/): the ended hold's Confirm goes with it.
    await a.page.getByRole('button', { name: /Confirm booking/ }).waitFor({ state: 'detached', timeout: 5000 });
  });
});
