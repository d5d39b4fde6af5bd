import type { Browser, Locator, Page } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, CreatedShow, createMovie, createShow } from '../factories';
import { ADMIN } from '../setup/test-app';
import { describeWithBrowser, expectAccessible, launchBrowser, openTab, saveScreenshot, signInTab, type Tab } from '../support/browser';
import { Mailbox } from '../support/mailbox';
import { DEMO_CARDS } from '../support/orders';
import { instantOf, wallClock } from '../support/time';
import { waitFor } from '../support/wait';

const ZONE = 'Europe/Lisbon';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const DAY = 24 * 3600_000;
const LONG_TITLE = 'The Remarkably Long and Winding Title of the Midnight Double Feature';

/** Controls in the staff tables that a tap should reach. */
const CONTROLS = 'table.admin-table :is(a, button, select, input)';

/**
 * A phone as the first-contact trial had it: 390 × 844, mobile (the page's
 * viewport meta applies) and touch. What goes wrong in it is recorded as
 * openTab records it.
 */
function openPhone(browser: Browser, baseURL: string): Promise<Tab> {
  return openTab(browser, baseURL, PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
}

/**
 * The page does not scroll sideways, and every control of its staff tables
 * lies within the screen's width and is what a tap at its middle reaches (a
 * trial click: Playwright's actionability and hit-target checks, no action).
 */
async function expectFitsThePhone(page: Page, what: string): Promise<void> {
  const layout = await page.evaluate((selector) => {
    const width = document.documentElement.clientWidth;
    const outside = Array.from(document.querySelectorAll(selector))
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ name: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.left < 0 || box.right > width)
      .map(({ name, box }) => `${name}: ${Math.round(box.left)}–${Math.round(box.right)} of ${width}`);
    return { width, scrollWidth: document.documentElement.scrollWidth, bodyScrollWidth: document.body.scrollWidth, outside };
  }, CONTROLS);
  expect({ what, ...layout }).toEqual({ what, width: PHONE.width, scrollWidth: PHONE.width, bodyScrollWidth: PHONE.width, outside: [] });
  const controls = page.locator(CONTROLS);
  const count = await controls.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const control = controls.nth(i);
    if (!(await control.isVisible())) continue;
    if (await control.isEnabled()) {
      await control.click({ trial: true, timeout: 3000 });
    } else {
      // A disabled button ("Set role" before a role is chosen) takes no click: nothing lies over its middle.
      await control.scrollIntoViewIfNeeded();
      const reached = await control.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return hit !== null && el.contains(hit);
      });
      expect(reached ? [] : [`${what}: ${await control.textContent()} is covered`]).toEqual([]);
    }
  }
}

/** What a row's cells show: each cell's label (its ::before, from data-label), then its text. */
const shownCells = (row: Locator) =>
  row.locator('td, th').evaluateAll((cells) =>
    cells
      .filter((cell) => cell.getClientRects().length > 0)
      .map((cell) => {
        const before = getComputedStyle(cell, '::before');
        const label = before.content === 'none' || before.content === 'normal' || before.display === 'none' ? '' : (cell.getAttribute('data-label') ?? '');
        return `${label} ${cell.textContent?.trim() ?? ''}`.trim();
      }),
  );

describeWithBrowser('the staff pages on a 390 × 844 phone (browser e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, movieId, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mailbox: Mailbox;
  let browser: Browser;
  let phone: Tab;
  let page: Page;
  let today: string;
  /** Today 18:00, €12.50 a seat: A1 paid for by John, A5 held by Jane. */
  let show: CreatedShow;
  /** Today 21:30, free, of a movie with a long title: Jane booked two seats. */
  let late: CreatedShow;
  let lateMovieId: number;
  let orderId: number;
  const tokens = async () => (await api.login(ADMIN).expect(200)).body as { access: string; refresh: string };

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ({ ctx, api, admin, john, jane, movieId, newShow } = await bookingWorld({
      clock,
      env: { CINEMA_TIME_ZONE: ZONE, SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', CINEMA_NAME: 'Roxy' },
    }));
    // Three days ahead, at 09:00 in the cinema's zone: the day's evening shows are still to come.
    today = wallClock(Date.now() + 3 * DAY, ZONE).slice(0, 10);
    clock.set(new Date(instantOf(`${today} 09:00`, ZONE)));

    show = await newShow(20, { date_time: new Date(instantOf(`${today} 18:00`, ZONE)).toISOString(), price: 1250, currency: 'EUR' });
    const hold = (await api.hold(john, show.id, [1]).expect(201)).body;
    orderId = (await api.checkout(john, hold.id).expect(201)).body.id;
    await api.demoPay(john, orderId, DEMO_CARDS.pays).expect(200);
    await api.hold(jane, show.id, [5]).expect(201);

    // Tomorrow's show, cancelled after a paid seat: its card says so and what was refunded.
    const cancelled = await newShow(10, { date_time: new Date(instantOf(`${today} 18:00`, ZONE) + DAY).toISOString(), price: 900, currency: 'EUR' });
    const janes = (await api.hold(jane, cancelled.id, [2]).expect(201)).body;
    const janesOrder = (await api.checkout(jane, janes.id).expect(201)).body.id;
    await api.demoPay(jane, janesOrder, DEMO_CARDS.pays).expect(200);
    await api.cancelShow(admin, cancelled.id).expect(200);

    lateMovieId = (await createMovie(ctx.http, admin, { title: LONG_TITLE, duration_minutes: 150 })).id;
    late = await createShow(ctx.http, admin, lateMovieId, { date_time: new Date(instantOf(`${today} 21:30`, ZONE)).toISOString(), total_seats: 40 });
    await api.book(jane, late.id, [23, 24]).expect(201);

    browser = await launchBrowser();
    phone = await openPhone(browser, ctx.url);
    page = phone.page;
    await signInTab(phone, await tokens());
  });
  afterEach(() => expect(phone.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
    await mailbox?.stop();
  });

  it('the programme and the staff accounts: one card per movie and per account, nothing off the screen', async () => {
    await page.goto('/admin');
    await page.getByRole('link', { name: `Shows of ${LONG_TITLE}` }).waitFor();
    // Who is staff: an account search lists its table too.
    await page.getByLabel('Username or e-mail').fill('user_');
    await page.getByRole('button', { name: 'Find accounts' }).click({ timeout: 5000 });
    await page.getByRole('combobox', { name: `Role of ${john.username}` }).waitFor();
    await expectFitsThePhone(page, 'the programme');
    // The table is still a table to assistive technology, its headers there though not shown.
    expect(await page.getByRole('columnheader', { name: 'Duration' }).count()).toBe(1);
    const header = await page.locator('table.admin-table thead').first().boundingBox();
    expect(header!.width * header!.height).toBeLessThanOrEqual(1);
    await expectAccessible(page, 'the programme on a phone');
    await saveScreenshot(page, 'staff-phone-programme');

    await page.getByRole('link', { name: `Shows of ${LONG_TITLE}` }).click({ timeout: 5000 });
    await page.waitForURL(`/admin/movies/${lateMovieId}`);
  });

  it("a movie's shows: each show a card with its occupancy and its actions, Edit opens a full-width form", async () => {
    await page.goto(`/admin/movies/${movieId}`);
    const row = page.getByRole('row', { name: new RegExp(show.screen_name) });
    await row.getByText('1 sold · 1 held · 18 free').waitFor();
    await page.getByText('€9.00 refunded for 1 paid seat.').waitFor();
    await expectFitsThePhone(page, "a movie's shows");
    await expectAccessible(page, "a movie's shows on a phone");
    await saveScreenshot(page, 'staff-phone-movie-shows');
    expect(await shownCells(row)).toEqual(expect.arrayContaining(['Price €12.50']));

    // Asking to cancel or delete shows the question and its buttons on the screen too.
    await row.getByRole('button', { name: /^Cancel the show of/ }).click({ timeout: 3000 });
    await row.getByRole('group', { name: /^Cancel the show of .*\?$/ }).waitFor();
    await expectFitsThePhone(page, 'the question before a show is cancelled');
    await row.getByRole('button', { name: 'Keep it' }).click({ timeout: 3000 });

    await row.getByRole('button', { name: /^Edit the show of/ }).click({ timeout: 3000 });
    const form = page.getByRole('form', { name: /^Edit the show of/ });
    await form.waitFor();
    await expectFitsThePhone(page, "a show's edit form");
    // The form and its fields take the card's width.
    const widths = await form.evaluate((el) => ({ form: el.getBoundingClientRect().width, field: el.querySelector('input')!.getBoundingClientRect().width }));
    expect(widths.form).toBeGreaterThan(PHONE.width - 80);
    expect(widths.field).toBeGreaterThan(PHONE.width - 120);
    await expectAccessible(page, "a show's edit form on a phone");
    await form.getByRole('button', { name: 'Cancel' }).click({ timeout: 3000 });
    await form.waitFor({ state: 'detached' });
  });

  it("Today: each show's sold, held and free seats and its revenue are labelled, and so are the day's sums", async () => {
    await page.goto('/admin/today');
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(show.screen_name) });
    await row.waitFor();
    expect(await shownCells(row)).toEqual(['18:00', show.movie_title, show.screen_name, 'Sold 1', 'Held 1', 'Free 18', 'Revenue €12.50', 'Bookings']);
    const day = page.locator('tfoot tr');
    expect(await shownCells(day)).toEqual(['The day', 'Sold 3', 'Held 1', 'Free 56', 'Revenue €12.50']);
    // The numbers are what the cells say to assistive technology too: the header of their column, then the number.
    expect(await row.getByRole('cell').allTextContents()).toEqual([show.movie_title, show.screen_name, '1', '1', '18', '€12.50', 'Bookings']);
    // A card: the start and the movie (even a long title, wrapped) on its first line, the numbers under them side by side.
    const lateRow = page.getByRole('row', { name: new RegExp(late.screen_name) });
    const tops = await lateRow.locator('th, td').evaluateAll((cells) => cells.map((cell) => Math.round(cell.getBoundingClientRect().top)));
    const numbers = tops.slice(3, 7);
    expect(Math.abs(tops[0] - tops[1])).toBeLessThanOrEqual(4);
    expect(Math.max(...numbers) - Math.min(...numbers)).toBeLessThanOrEqual(4);
    expect(Math.min(...numbers)).toBeGreaterThan(tops[2]);
    await expectFitsThePhone(page, 'Today');
    await expectAccessible(page, 'Today on a phone');
    await saveScreenshot(page, 'staff-phone-today');

    // In Chromium's own accessibility tree the table keeps its table roles.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; name?: { value: string } }[] };
    const roles = new Set(nodes.map((node) => node.role?.value));
    expect(['table', 'row', 'columnheader', 'rowheader', 'cell'].filter((role) => !roles.has(role))).toEqual([]);
    // Their column headers name the numbers there: the drawn labels are not said again.
    const cells = nodes.filter((node) => node.role?.value === 'cell').map((node) => node.name?.value ?? '');
    expect(cells).toEqual(expect.arrayContaining(['1', '18', '€12.50', '56']));
    expect(cells.filter((name) => /^(Sold|Held|Free|Revenue)/.test(name))).toEqual([]);
    await cdp.detach();

    await page.getByRole('link', { name: `Bookings of ${LONG_TITLE}, 21:30` }).click({ timeout: 3000 });
    await page.waitForURL(`/admin/shows/${late.id}/bookings`);
  });

  it("a show's bookings: each booking a card, its price, order and times labelled, Cancel… within reach", async () => {
    await page.goto(`/admin/shows/${show.id}/bookings`);
    const row = page.getByRole('row', { name: /^A1 / });
    await row.waitFor();
    expect(await shownCells(row)).toEqual(expect.arrayContaining(['A1', 'Booked', 'Price €12.50', `Order #${orderId}`, 'Checked in —']));
    await expectFitsThePhone(page, "a show's bookings");
    await expectAccessible(page, "a show's bookings on a phone");
    await saveScreenshot(page, 'staff-phone-show-bookings');
    await row.getByRole('button', { name: 'Cancel the booking of seat A1' }).click({ timeout: 3000 });
    await row.getByRole('group', { name: 'Cancel the booking of seat A1?' }).getByText(/It was paid for: €12\.50 is refunded/).waitFor();
    await expectFitsThePhone(page, 'the question before a booking is cancelled');
    await row.getByRole('button', { name: 'Keep it' }).click({ timeout: 3000 });

    // The long title's show, with two bookings.
    await page.goto(`/admin/shows/${late.id}/bookings`);
    await page.getByRole('row', { name: new RegExp(jane.username) }).first().waitFor();
    await expectFitsThePhone(page, "a long title's bookings");
  });

  it('moves a show with a booked seat from the phone: Edit, a new start, the box ticked, Save; its customer is told by e-mail', async () => {
    await page.goto(`/admin/movies/${movieId}`);
    const row = page.getByRole('row', { name: new RegExp(show.screen_name) });
    await row.getByRole('button', { name: /^Edit the show of/ }).click({ timeout: 3000 });
    const form = page.getByRole('form', { name: /^Edit the show of/ });
    expect(await form.getByLabel('Starts at').inputValue()).toBe(`${today}T18:00`);
    await form.getByLabel('Starts at').fill(`${today}T20:30`);
    await form.getByLabel(/^Move it and e-mail its customers \(1 booked seat, 1 held seat\)/).check({ timeout: 3000 });
    await expectFitsThePhone(page, 'the filled edit form');
    await saveScreenshot(page, 'staff-phone-edit-show');
    await form.getByRole('button', { name: 'Save' }).click({ timeout: 3000 });
    await form.waitFor({ state: 'detached' });

    const movedTo = new Date(instantOf(`${today} 20:30`, ZONE)).toISOString();
    expect((await api.show(show.id).expect(200)).body).toMatchObject({ date_time: movedTo, booked_seats: 1, held_seats: 1 });
    await row.getByRole('rowheader', { name: /20:30/ }).waitFor();
    const moved = () => mailbox.to(`${john.username}@example.com`).filter((mail) => mail.subject?.startsWith('Roxy: show moved, '));
    await waitFor(`the show-moved message to ${john.username}`, () => moved().length === 1, 15_000);
    expect(moved()[0].text).toContain('Your seat A1 is kept');
    await expectFitsThePhone(page, "a movie's shows after the move");
  });

  it('on a 1366 × 900 desktop the staff tables are still tables: a header row, and cells side by side without labels', async () => {
    const desk = await openTab(browser, ctx.url, DESKTOP);
    try {
      await signInTab(desk, await tokens());
      await desk.page.goto('/admin/today');
      const row = desk.page.getByRole('row', { name: new RegExp(late.screen_name) });
      await row.waitFor();
      expect(await desk.page.getByRole('columnheader', { name: 'Sold' }).isVisible()).toBe(true);
      expect(await shownCells(row)).toEqual(['21:30', LONG_TITLE, late.screen_name, '2', '0', '38', '€0.00', 'Bookings']);
      const tops = await row.locator('th, td').evaluateAll((cells) => new Set(cells.map((cell) => Math.round(cell.getBoundingClientRect().top))).size);
      expect(tops).toBe(1);
      await saveScreenshot(desk.page, 'staff-desktop-today');
      await desk.page.goto(`/admin/movies/${movieId}`);
      await desk.page.getByRole('row', { name: new RegExp(show.screen_name) }).waitFor();
      await saveScreenshot(desk.page, 'staff-desktop-movie-shows');
      await desk.page.goto(`/admin/shows/${show.id}/bookings`);
      await desk.page.getByRole('row', { name: /^A1 / }).waitFor();
      await saveScreenshot(desk.page, 'staff-desktop-show-bookings');
      await desk.page.goto('/admin');
      await desk.page.getByRole('link', { name: `Shows of ${LONG_TITLE}` }).waitFor();
      await saveScreenshot(desk.page, 'staff-desktop-programme');
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });
});
