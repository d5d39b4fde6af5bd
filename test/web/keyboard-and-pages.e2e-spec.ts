import type { Browser, Page } from 'playwright-core';
import { BookingWorld, bookingWorld, signupAndLogin, TestUser } from '../factories';
import { ADMIN } from '../setup/test-app';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, PHONE, saveScreenshot, seatBecomes, signInTab, type Tab } from '../support/browser';
import { range } from '../support/seats';

/** Presses Tab until `matches` holds for the focused element (at most `limit` presses), like a keyboard user would. */
async function tabTo(page: Page, what: string, matches: (el: { seat?: string; text: string; tag: string }) => boolean, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { seat: el?.dataset.seat, text: el?.textContent?.trim() ?? '', tag: el?.tagName ?? '' };
    });
    if (matches(focused)) return;
  }
  throw new Error(`${what}: not reached with Tab`);
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim());

describeWithBrowser('keyboard, accessibility and screenshots (browser e2e)', () => {
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  const tabs: Tab[] = [];
  let mia: TestUser;

  const tab = async (user?: { access: string; refresh: string }, viewport?: { width: number; height: number }) => {
    const opened = await openTab(browser, ctx.url, viewport);
    if (user) await signInTab(opened, user);
    tabs.push(opened);
    return opened;
  };

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld());
    browser = await launchBrowser();
    mia = await signupAndLogin(ctx.http);
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('books two seats with the keyboard only: Tab to the map, arrows to move, Space to choose, Enter to hold and confirm', async () => {
    const show = await newShow(60);
    const { page } = await tab(mia);
    await page.goto(`/shows/${show.id}`);
    await page.getByText('Live: seats change here').waitFor();

    await tabTo(page, 'the seat map', (el) => el.seat !== undefined);
    expect(await focusedName(page)).toBe('Row A seat 1, available');
    await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe('Row B seat 1, available');
    await page.keyboard.press('End');
    expect(await focusedName(page)).toBe('Row B seat 20, available');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await focusedName(page)).toBe('Row B seat 3, available');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await focusedName(page)).toBe('Row B seat 4, selected');
    // The map is one stop in the tab order: the next Tab leaves it, on the way to the checkout.
    await tabTo(page, 'the hold button', (el) => el.text === 'Hold 2 seats');
    await page.keyboard.press('Enter');
    // Focus moves to the new hold's Confirm button.
    await page.locator('.hold').waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Confirm booking of 2 seats');
    await page.keyboard.press('Enter');
    await page.locator('.checkout .success').filter({ hasText: 'Booked: B3 and B4.' }).waitFor();
    await seatBecomes(page, 23, 'mine-booked');
    await seatBecomes(page, 24, 'mine-booked');
    const mine = (await api.myBookings(mia, { show_id: show.id }).expect(200)).body as { seat_number: number; status: string }[];
    expect(mine.map((b) => [b.seat_number, b.status]).sort()).toEqual([
      [23, 'booked'],
      [24, 'booked'],
    ]);
  });

  it('every page passes axe (no serious or critical WCAG 2.2 AA violation), and screenshots are saved', async () => {
    // A 200-seat show with something of everything: others' bookings and holds, mine, a selection.
    const start = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    start.setUTCHours(19, 30, 0, 0);
    const movieId = (await api.createMovie(admin, { title: 'Spirited Away', duration_minutes: 125 }).expect(201)).body.id;
    const show = (await api.createShow(admin, movieId, { screen_name: 'Screen 2', date_time: start.toISOString(), total_seats: 200 }).expect(201)).body;
    await api.book(john, show.id, range(41, 48)).expect(201);
    await api.book(jane, show.id, [95, 96, 97, 98, 99]).expect(201);
    await api.hold(jane, show.id, [63, 64, 65]).expect(201);
    await api.book(mia, show.id, [110, 111]).expect(201);
    await api.hold(mia, show.id, [130, 131]).expect(201);

    const { page } = await tab(mia);
    await page.goto('/');
    await page.locator('.card').first().waitFor();
    await expectAccessible(page, 'movies');
    await page.goto(`/movies/${movieId}`);
    await page.locator('.show-time').first().waitFor();
    await expectAccessible(page, 'a movie');

    await page.goto(`/shows/${show.id}`);
    await page.getByText('Live: seats change here').waitFor();
    await seatBecomes(page, 130, 'mine-held');
    await page.getByRole('button', { name: 'Row E seat 10, available' }).click();
    await page.getByRole('button', { name: 'Row E seat 11, available' }).click();
    await expectAccessible(page, 'a show, with a hold and a selection');
    await saveScreenshot(page, 'seat-map-desktop');
    await saveScreenshot(page.locator('.checkout'), 'checkout');

    await page.goto('/my-bookings');
    await page.locator('.booking').first().waitFor();
    await expectAccessible(page, 'my bookings');
    await page.goto('/no-such-page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await expectAccessible(page, 'not found');

    const phone = await tab(mia, PHONE);
    await phone.page.goto(`/shows/${show.id}`);
    await seatBecomes(phone.page, 130, 'mine-held');
    await expectAccessible(phone.page, 'a show at 375 px');
    // Nothing but the map itself scrolls sideways on a phone.
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await saveScreenshot(phone.page, 'seat-map-phone');

    const visitor = await tab();
    for (const [path, heading] of [
      ['/login', 'Log in'],
      ['/signup', 'Create an account'],
      ['/forgot-password', 'Forgot your password?'],
      ['/reset-password#token=a-code-from-the-mail', 'Choose a new password'],
    ]) {
      await visitor.page.goto(path);
      await visitor.page.getByRole('heading', { name: heading }).waitFor();
      await expectAccessible(visitor.page, path);
    }

    const staff = await tab((await api.login(ADMIN).expect(200)).body);
    await staff.page.goto('/admin');
    await staff.page.getByRole('heading', { name: 'Add a movie' }).waitFor();
    await expectAccessible(staff.page, 'admin');
    await staff.page.goto(`/admin/movies/${movieId}`);
    await staff.page.getByText('15 sold · 5 held · 180 free').waitFor();
    await expectAccessible(staff.page, 'admin: a movie');
    await saveScreenshot(staff.page, 'admin');
    // Axe on a dozen pages takes most of a minute on two busy cores.
  }, 180_000);

  it('the ticket and the door pass axe too, and screenshots are saved', async () => {
    const show = await newShow(40);
    await api.book(mia, show.id, [5, 6]).expect(201);
    const { page } = await tab(mia);
    await page.goto('/my-bookings');
    await page.getByRole('link', { name: /^Ticket for .*Row A seat 5$/ }).click();
    await page.getByRole('img', { name: /^QR code of this ticket/ }).waitFor();
    await expectAccessible(page, 'a ticket');
    await saveScreenshot(page.locator('.ticket'), 'ticket');

    const door = await tab((await api.login(ADMIN).expect(200)).body);
    await door.page.goto('/check-in');
    const choice = door.page.getByRole('link', { name: new RegExp(show.screen_name) });
    await choice.waitFor();
    await expectAccessible(door.page, 'check-in: choose a show');
    await choice.click();
    await door.page.getByLabel('Ticket code').fill('no-such-ticket');
    await door.page.getByRole('button', { name: 'Check in', exact: true }).click();
    await door.page.getByRole('alert').filter({ hasText: 'Unknown ticket' }).waitFor();
    await expectAccessible(door.page, 'check-in: a refusal');
    await saveScreenshot(door.page, 'check-in');
  });

  it('the accessibility check fails on a page that breaks the rules (a nameless button, grey on grey)', async () => {
    const { page } = await tab();
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>' +
        '<button><svg width="10" height="10"></svg></button><p style="color:#777;background:#888">unreadable</p></main></body></html>',
    );
    const failure = await expectAccessible(page, 'a broken page').then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toContain('a broken page: button-name (critical)');
    expect(failure).toContain('a broken page: color-contrast (serious)');
  });

  it('Swagger UI works in the browser under the content security policy', async () => {
    const { page, errors } = await tab();
    await page.goto('/swagger');
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
