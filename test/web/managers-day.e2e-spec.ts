import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, CreatedShow, signupStaff, TestUser } from '../factories';
import { ADMIN } from '../setup/test-app';
import { describeWithBrowser, expectAccessible, launchBrowser, openTab, saveScreenshot, signInTab, type Tab } from '../support/browser';
import { DEMO_CARDS } from '../support/orders';
import { instantOf, wallClock } from '../support/time';

const ZONE = 'Pacific/Auckland';
const VIEWPORT = { width: 1366, height: 900 };
const DAY = 24 * 3600_000;

describeWithBrowser("the manager's day in the staff pages (browser e2e, 1366 × 900)", () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, movieId, newShow } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  let manager: Tab;
  let page: Page;
  let staff: TestUser;
  /** Today, as the cinema counts days: the service's clock is 09:00 of it. */
  let today: string;
  let show: CreatedShow;
  let tomorrow: CreatedShow;
  let orderId: number;

  /** The cells of a show's row on the Today page, after its start (the row's header). */
  const cellsOf = async (p: Page, title: string) => {
    const row = p.getByRole('row', { name: new RegExp(title) });
    await row.waitFor();
    return { start: await row.getByRole('rowheader').textContent(), cells: await row.getByRole('cell').allTextContents() };
  };

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, movieId, newShow } = await bookingWorld({ clock, env: { CINEMA_TIME_ZONE: ZONE } }));
    // Three days ahead, at 09:00 in the cinema's zone: the day's 18:00 show is still to come, whatever the real time of day.
    today = wallClock(Date.now() + 3 * DAY, ZONE).slice(0, 10);
    clock.set(new Date(instantOf(`${today} 09:00`, ZONE)));
    staff = await signupStaff(ctx.http, admin);

    // One paid seat (A1), one held seat (A5); another show tomorrow, not today's.
    show = await newShow(20, { date_time: new Date(instantOf(`${today} 18:00`, ZONE)).toISOString(), price: 1250, currency: 'EUR' });
    const hold = (await api.hold(john, show.id, [1]).expect(201)).body;
    orderId = (await api.checkout(john, hold.id).expect(201)).body.id;
    await api.demoPay(john, orderId, DEMO_CARDS.pays).expect(200);
    await api.hold(jane, show.id, [5]).expect(201);
    tomorrow = await newShow(10, { date_time: new Date(instantOf(`${today} 18:00`, ZONE) + DAY).toISOString() });

    browser = await launchBrowser();
    manager = await openTab(browser, ctx.url, VIEWPORT);
    page = manager.page;
    const tokens = (await api.login(ADMIN).expect(200)).body as { access: string; refresh: string };
    await signInTab(manager, tokens);
  });
  afterEach(() => expect(manager.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('on a 390 × 844 phone, every link of the staff navigation is on the screen and opens its page', async () => {
    const phone = await openTab(browser, ctx.url, { width: 390, height: 844 });
    try {
      await signInTab(phone, (await api.login(ADMIN).expect(200)).body as { access: string; refresh: string });
      await phone.page.goto('/');
      const nav = phone.page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Admin' }).waitFor();
      const links = await nav.getByRole('link').evaluateAll((all) =>
        all.map((a) => {
          const box = a.getBoundingClientRect();
          return { name: a.textContent, inside: box.left >= 0 && box.right <= document.documentElement.clientWidth, tall: box.height >= 24 };
        }),
      );
      expect(links.filter((link) => !link.inside || !link.tall)).toEqual([]);
      expect(links.map((link) => link.name)).toEqual(expect.arrayContaining(['Today', 'Check-in', 'Admin']));
      // A tap reaches it (nothing of the header lies over it).
      await nav.getByRole('link', { name: 'Admin' }).click({ timeout: 5000 });
      await phone.page.waitForURL('/admin');
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it("lists today's shows in the cinema's zone with sold, held, free and revenue, as the sales report counts them", async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    expect(await cellsOf(page, show.movie_title)).toEqual({ start: '18:00', cells: [show.movie_title, show.screen_name, '1', '1', '18', '€12.50', 'Bookings'] });
    await saveScreenshot(page, 'staff-today');
    await expectAccessible(page, 'the staff Today page');
    // Only today's shows: tomorrow's is not listed.
    expect(await page.getByRole('row', { name: new RegExp(show.movie_title) }).count()).toBe(1);

    // The same numbers as the API's report of the day.
    const report = (await api.salesReport(admin).expect(200)).body as { from: string; days: { shows: Record<string, unknown>[] }[] };
    expect(report.from).toBe(today);
    expect(report.days[0].shows).toEqual([expect.objectContaining({ show_id: show.id, sold: 1, held: 1, free: 18, revenue: [{ currency: 'EUR', amount: 1250 }] })]);

    // Another day: the service's today is the field's first value (not the browser's clock, three days behind).
    expect(await page.getByLabel('Day', { exact: true }).inputValue()).toBe(today);
    const next = wallClock(Date.parse(tomorrow.date_time), ZONE).slice(0, 10);
    await page.getByLabel('Day', { exact: true }).fill(next);
    await page.getByRole('button', { name: 'Show the day' }).click();
    await page.waitForURL(`/admin/today?date=${next}`);
    await page.getByRole('link', { name: 'Back to today' }).waitFor();
    expect(await cellsOf(page, tomorrow.movie_title)).toEqual({ start: '18:00', cells: [tomorrow.movie_title, tomorrow.screen_name, '0', '0', '10', '€0.00', 'Bookings'] });
    expect(await page.getByRole('row', { name: new RegExp(show.screen_name) }).count()).toBe(0);
  });

  it("opens the show's bookings, downloads them as CSV, and cancels a paid seat after asking, which refunds its order", async () => {
    await page.goto('/admin/today');
    await page.getByRole('link', { name: `Bookings of ${show.movie_title}, 18:00` }).click();
    await page.getByRole('heading', { name: `${show.movie_title}: bookings` }).waitFor();
    const row = page.getByRole('row', { name: /^A1 / });
    await row.waitFor();
    await expectAccessible(page, "a show's bookings");
    expect(await row.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['Booked', `${john.username} (${john.username}@example.com)`, '€12.50', `#${orderId}`]),
    );

    // The CSV: fetched with the session's token, saved as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`show-${show.id}-bookings.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toBe((await api.showBookings(admin, show.id, { format: 'csv' }).expect(200)).text);
    expect(csv).toContain(`,A1,booked,${john.username},`);

    // The first click only asks, and says the seat was paid for and is refunded; "Keep it" changes nothing.
    await row.getByRole('button', { name: 'Cancel the booking of seat A1' }).click();
    const confirm = row.getByRole('group', { name: 'Cancel the booking of seat A1?' });
    await confirm.getByText(/It was paid for: €12\.50 is refunded in full to the customer\./).waitFor();
    await saveScreenshot(page, 'staff-show-bookings');
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await api.order(admin, orderId).expect(200)).body.status).toBe('paid');

    await row.getByRole('button', { name: 'Cancel the booking of seat A1' }).click();
    await confirm.getByRole('button', { name: 'Yes, cancel and refund' }).click();
    await row.getByRole('cell', { name: 'Cancelled, €12.50 refunded' }).waitFor();
    expect((await api.order(admin, orderId).expect(200)).body).toMatchObject({ status: 'refunded', refunded_amount: 1250, refund_reason: 'ADMIN_CANCELLED' });
    expect((await api.showBookings(admin, show.id).expect(200)).body).toEqual([expect.objectContaining({ seat_label: 'A1', status: 'cancelled' })]);

    // Today says so: the seat is free again and the money gone.
    await page.getByRole('link', { name: "The day's shows" }).click();
    await page.waitForURL(`/admin/today?date=${today}`);
    expect((await cellsOf(page, show.movie_title)).cells).toEqual([show.movie_title, show.screen_name, '0', '1', '19', '€0.00', 'Bookings']);
  });

  it('shows staff the day and the bookings, without the money or the cancel buttons', async () => {
    const door = await openTab(browser, ctx.url, VIEWPORT);
    await signInTab(door, staff);
    await door.page.goto('/admin/today');
    await door.page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    expect((await cellsOf(door.page, show.movie_title)).cells).toEqual([show.movie_title, show.screen_name, '0', '1', '19', 'Bookings']);
    expect(await door.page.getByRole('columnheader', { name: 'Revenue' }).count()).toBe(0);
    await door.page.getByRole('link', { name: `Bookings of ${show.movie_title}, 18:00` }).click();
    await door.page.getByRole('row', { name: /^A1 / }).waitFor();
    expect(await door.page.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);
    expect(door.errors).toEqual([]);
    await door.context.close();
  });

  it('asks before it deletes a show', async () => {
    const spare = await newShow(10, { date_time: new Date(instantOf(`${today} 22:00`, ZONE) + 2 * DAY).toISOString() });
    await page.goto(`/admin/movies/${movieId}`);
    const row = page.getByRole('row', { name: new RegExp(spare.screen_name) });
    await row.getByRole('button', { name: /^Delete the show of/ }).click();
    const confirm = row.getByRole('group', { name: /^Delete the show of .*\?$/ });
    await confirm.getByText(/^Delete this show\?/).waitFor();
    // Asking deleted nothing, and "Keep it" keeps it.
    await api.show(spare.id).expect(200);
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    await api.show(spare.id).expect(200);

    await row.getByRole('button', { name: /^Delete the show of/ }).click();
    await confirm.getByRole('button', { name: 'Yes, delete the show' }).click();
    await row.waitFor({ state: 'detached' });
    await api.show(spare.id).expect(404);
  });

  it('follows the sales without a reload: a seat held elsewhere is counted at the next refresh, ten seconds on', async () => {
    const watcher = await openTab(browser, ctx.url, VIEWPORT);
    try {
      await signInTab(watcher, (await api.login(ADMIN).expect(200)).body as { access: string; refresh: string });
      // The page's timers run on a clock the test moves: ten seconds pass at once.
      await watcher.page.clock.install();
      await watcher.page.goto('/admin/today');
      const counts = async () => (await cellsOf(watcher.page, show.movie_title)).cells.slice(2, 5);
      const before = await counts();
      const hold = (await api.hold(jane, show.id, [9]).expect(201)).body;
      try {
        await watcher.page.clock.runFor(9_000);
        expect(await counts()).toEqual(before);
        await watcher.page.clock.runFor(1_000);
        const row = watcher.page.getByRole('row', { name: new RegExp(show.movie_title) });
        await row.getByRole('cell', { name: String(Number(before[1]) + 1), exact: true }).waitFor();
        expect(await counts()).toEqual([before[0], String(Number(before[1]) + 1), String(Number(before[2]) - 1)]);
      } finally {
        await api.release(jane, hold.id).expect(204);
      }
      expect(watcher.errors).toEqual([]);
    } finally {
      await watcher.context.close();
    }
  });
});
