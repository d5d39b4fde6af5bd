import type { Browser, Page } from 'playwright-core';
import { BookingWorld, bookingWorld, unique } from '../factories';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, saveScreenshot, seatBecomes, signInTab, type Tab } from '../support/browser';

/** The two sizes: a phone first, and a laptop. */
const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1366, height: 900 } },
] as const;

const seats = (count: number, kind?: string) => Array.from({ length: count }, () => (kind ? { kind } : {}));

/**
 * A screen with a plan, as an admin makes it: a short front row with an aisle,
 * a wheelchair space and its companion seat; a plain row of 20; a row with two
 * aisles; a row of premium seats; eight more rows of 20 behind. A1–A4 are
 * seats 1–4, B1–B20 5–24, C1–C20 25–44, D1–D18 45–62, E1 63 … L20 222.
 */
const PLAN = [
  { label: 'A', seats: [{}, {}, null, { kind: 'wheelchair' }, { kind: 'companion' }] },
  { label: 'B', seats: 20 },
  { label: 'C', seats: [...seats(4), null, ...seats(12), null, ...seats(4)] },
  { label: 'D', seats: seats(18, 'premium') },
  ...['E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'].map((label) => ({ label, seats: 20 })),
];
const TOTAL = 222;

interface MapSeat {
  seat_number: number;
  label: string;
  row: string;
  kind: string;
  status: string;
}

/** A start on its own day (shows of one screen must not overlap), at a whole hour. */
let day = 1;
const nextStart = () => {
  const start = new Date(Date.now() + ++day * 24 * 3600 * 1000);
  start.setUTCHours(19, 0, 0, 0);
  return start.toISOString();
};

const box = async (page: Page, selector: string) => {
  const found = await page.locator(selector).boundingBox();
  if (!found) throw new Error(`${selector} is not drawn`);
  return found;
};
const seatBox = (page: Page, seat: number) => box(page, `[data-seat="${seat}"]`);
const pageScrollsSideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth > window.innerWidth);
const inViewport = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  });

describeWithBrowser('the seat map draws the screen’s plan, phone first (browser e2e)', () => {
  let { ctx, api, admin, john, jane, movieId } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  let screenId: number;
  const tabs: Tab[] = [];

  const tab = async (viewport: { width: number; height: number }, user = john) => {
    const opened = await openTab(browser, ctx.url, viewport);
    await signInTab(opened, user);
    tabs.push(opened);
    return opened;
  };
  const newShow = async (fields: Record<string, unknown> = {}) =>
    (await api.createShow(admin, movieId, { screen_id: screenId, date_time: nextStart(), ...fields }).expect(201)).body as { id: number; total_seats: number };
  const openShow = async (page: Page, showId: number) => {
    await page.goto(`/shows/${showId}`);
    await page.getByText('Live: seats change here').waitFor();
    await page.locator('[data-seat="1"]').waitFor();
  };
  const zoomIn = async (page: Page, times = 1) => {
    for (let i = 0; i < times; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
  };

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, movieId } = await bookingWorld());
    browser = await launchBrowser();
    const screen = (await api.createScreen(admin, { name: `Plan ${unique()}`, rows: PLAN }).expect(201)).body as { id: number; total_seats: number };
    expect(screen.total_seats).toBe(TOTAL);
    screenId = screen.id;
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  describe.each(SIZES)('at $viewport.width × $viewport.height', ({ name, viewport }) => {
    it('draws the API’s rows: every seat by its label, aisles as gaps, kinds named, labels on both sides, the screen centred, no sideways scroll', async () => {
      const show = await newShow();
      const map = (await api.seatMap(show.id).expect(200)).body as { seats: MapSeat[]; rows: { label: string }[] };
      const { page } = await tab(viewport);
      await openShow(page, show.id);

      // The page fits the screen's width: the map is scaled to it, nothing scrolls sideways.
      expect(await pageScrollsSideways(page)).toBe(false);
      const rightmost = await page.locator('[data-seat]').evaluateAll((els) => Math.max(...els.map((el) => el.getBoundingClientRect().right)));
      expect(rightmost).toBeLessThanOrEqual(viewport.width);

      // Every seat is named by the API's label, in the API's rows.
      const drawn = await page.locator('[data-seat]').evaluateAll((els) =>
        els.map((el) => ({ seat: Number((el as HTMLElement).dataset.seat), label: (el as HTMLElement).dataset.label, row: el.closest('[role="group"]')?.getAttribute('aria-label') })),
      );
      expect(drawn).toEqual(map.seats.map((seat) => ({ seat: seat.seat_number, label: seat.label, row: `Row ${seat.row}` })));
      expect(await page.getByRole('group', { name: 'Seats of' }).getAttribute('aria-label')).toMatch(/, 12 rows$/);

      // The kinds, in each seat's name, in the legend, and in its shape.
      await page.getByRole('button', { name: 'Row A seat 3, wheelchair space, available', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Row A seat 4, companion seat, available', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Row D seat 18, premium seat, available', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Row B seat 5, available', exact: true }).waitFor();
      for (const words of ['Wheelchair space', 'Companion seat', 'Premium seat']) await page.getByRole('list', { name: 'Seat states and kinds' }).getByText(words).waitFor();
      const looks = await page.evaluate(() =>
        [1, 3, 4, 45].map((seat) => {
          const el = document.querySelector(`[data-seat="${seat}"]`)!;
          const mark = getComputedStyle(el, '::before');
          return `${getComputedStyle(el).borderRadius}|${getComputedStyle(el).borderTopWidth}|${mark.maskImage || mark.webkitMaskImage}`;
        }),
      );
      expect(new Set(looks).size).toBe(4);
      expect(looks[0]).toMatch(/\|none$/);
      for (const look of looks.slice(1)) expect(look).toMatch(/data:image\/svg\+xml/);

      // The aisle after A2 is a gap: A3 starts more than a seat's width after A2 ends; A1 and A2 are side by side.
      const [a1, a2, a3] = await Promise.all([seatBox(page, 1), seatBox(page, 2), seatBox(page, 3)]);
      expect(a2.x - (a1.x + a1.width)).toBeLessThan(a1.width / 2);
      expect(a3.x - (a2.x + a2.width)).toBeGreaterThan(a2.width);
      expect(Math.abs(a3.y - a2.y)).toBeLessThan(1);
      // Row C's aisles too: C4 | C5 … C16 | C17.
      const [c4, c5, c16, c17] = await Promise.all([28, 29, 40, 41].map((seat) => seatBox(page, seat)));
      expect(c5.x - (c4.x + c4.width)).toBeGreaterThan(c4.width);
      expect(c17.x - (c16.x + c16.width)).toBeGreaterThan(c16.width);
      // Columns line up from the left: B1 under A1, B4 under the wheelchair space A3 (the aisle is B3's place).
      const [b1, b4] = await Promise.all([seatBox(page, 5), seatBox(page, 8)]);
      expect(Math.abs(b1.x - a1.x)).toBeLessThan(1);
      expect(Math.abs(b4.x - a3.x)).toBeLessThan(1);

      // Each row's label on both sides of its seats.
      for (const row of map.rows) {
        const group = page.getByRole('group', { name: `Row ${row.label}`, exact: true });
        const labels = group.locator('.row-label');
        expect(await labels.allTextContents()).toEqual([row.label, row.label]);
        const [left, right] = [await labels.nth(0).boundingBox(), await labels.nth(1).boundingBox()];
        const seatsOfRow = await group.locator('[data-seat]').evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => [r.left, r.right]));
        expect(left!.x + left!.width).toBeLessThanOrEqual(seatsOfRow[0][0] + 0.5);
        expect(right!.x).toBeGreaterThanOrEqual(seatsOfRow[seatsOfRow.length - 1][1] - 0.5);
      }

      // The screen's arc is centred over the seats.
      const screen = await box(page, '.screen');
      const extent = await page.locator('[data-seat]').evaluateAll((els) => {
        const rects = els.map((el) => el.getBoundingClientRect());
        return { left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)) };
      });
      expect(Math.abs(screen.x + screen.width / 2 - (extent.left + extent.right) / 2)).toBeLessThan(2);
      expect(screen.y).toBeLessThan(a1.y);

      await expectAccessible(page, `a planned show at ${name} size`);
      await saveScreenshot(page, `seat-plan-${name}`);

      // Zoom: the seats grow, the map's frame scrolls sideways inside itself, never the page; Fit goes back.
      await zoomIn(page, 2);
      await page.getByText('200%').waitFor();
      const zoomed = await seatBox(page, 1);
      expect(zoomed.width).toBeGreaterThan(a1.width * 1.5);
      expect(await pageScrollsSideways(page)).toBe(false);
      if (name === 'phone') expect(await page.locator('.seat-frame').evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      await page.getByRole('button', { name: 'Fit' }).click();
      await page.getByText('100%').waitFor();
      expect((await seatBox(page, 1)).width).toBeCloseTo(a1.width, 0);
    });

    it('the bar at the bottom shows the chosen seats by label and their total; Hold, then Check out, leads to paying', async () => {
      const show = await newShow({ price: 1000, currency: 'EUR' });
      const { page } = await tab(viewport);
      await openShow(page, show.id);
      // A larger map (zoomed in) than the screen, seen from the top: the bar stays at the bottom of the screen.
      await zoomIn(page, 3);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByRole('button', { name: 'Row A seat 3, wheelchair space, available' }).click();
      await page.getByRole('button', { name: 'Row A seat 4, companion seat, available' }).click();

      const bar = page.locator('.checkout');
      await bar.getByText('Chosen: A3 and A4').waitFor();
      await bar.locator('.total').filter({ hasText: 'Total: €20.00' }).waitFor();
      expect(await inViewport(page, '.checkout')).toBe(true);
      if (name === 'phone') {
        expect(await page.evaluate(() => document.scrollingElement!.scrollHeight > window.innerHeight)).toBe(true);
        const barBox = await box(page, '.checkout');
        expect(Math.abs(barBox.y + barBox.height - viewport.height)).toBeLessThan(2);
        expect(barBox.height).toBeLessThan(viewport.height / 3);
      }
      expect(await pageScrollsSideways(page)).toBe(false);

      await bar.getByRole('button', { name: 'Hold 2 seats' }).click();
      await bar.getByText('Held for you: A3 and A4 · €20.00').waitFor();
      await seatBecomes(page, 3, 'mine-held');
      expect(await inViewport(page, '.checkout')).toBe(true);
      await saveScreenshot(page, `seat-plan-held-${name}`);
      await bar.getByRole('button', { name: 'Check out and pay €20.00' }).click();
      await page.waitForURL(/\/orders\/\d+\/pay$/);
      await page.getByRole('heading', { name: 'Pay for your seats' }).waitFor();
      const orderId = Number(/\/orders\/(\d+)\/pay$/.exec(page.url())![1]);
      const order = (await api.order(john, orderId).expect(200)).body as { amount: number; seat_numbers: number[]; seat_labels: string[] };
      expect(order).toMatchObject({ amount: 2000, seat_numbers: [3, 4], seat_labels: ['A3', 'A4'] });
    });

    it('a free show: the bar’s Hold, then Confirm, books the seats, named as the bookings name them', async () => {
      const show = await newShow();
      const { page } = await tab(viewport);
      await openShow(page, show.id);
      await page.getByRole('button', { name: 'Row C seat 16, available', exact: true }).click();
      await page.getByRole('button', { name: 'Row C seat 17, available', exact: true }).click();
      const bar = page.locator('.checkout');
      await bar.getByText('Chosen: C16 and C17').waitFor();
      expect(await bar.locator('.total').count()).toBe(0);
      await bar.getByRole('button', { name: 'Hold 2 seats' }).click();
      await bar.getByRole('button', { name: 'Confirm booking of 2 seats' }).click();
      await bar.getByText('Booked: C16 and C17. Enjoy the show!').waitFor();
      expect(await inViewport(page, '.checkout .success')).toBe(true);
      await seatBecomes(page, 40, 'mine-booked');
      const mine = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { seat_number: number; seat_label: string }[];
      expect(mine.map((b) => [b.seat_number, b.seat_label]).sort()).toEqual([
        [40, 'C16'],
        [41, 'C17'],
      ]);
    });

    it('a seat someone else takes from the selection is said in the bar, within the screen, by its label', async () => {
      const show = await newShow();
      const { page } = await tab(viewport);
      await openShow(page, show.id);
      await zoomIn(page, 3);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByRole('button', { name: 'Row A seat 3, wheelchair space, available' }).click();
      await page.getByRole('button', { name: 'Row B seat 1, available', exact: true }).click();
      await api.book(jane, show.id, 3).expect(201);
      await seatBecomes(page, 3, 'booked');
      const alert = page.getByRole('alert').filter({ hasText: 'A3 was just taken by someone else.' });
      await alert.waitFor();
      expect(await alert.evaluate((el) => el.closest('.checkout') !== null)).toBe(true);
      expect(await inViewport(page, '.checkout [role="alert"]')).toBe(true);
      await page.locator('.checkout').getByText('Chosen: B1').waitFor();
      await page.getByRole('button', { name: 'Row A seat 3, wheelchair space, booked' }).waitFor();
      await saveScreenshot(page, `seat-plan-taken-${name}`);
    });
  });

  it('on a touch screen, a pinch on the map zooms the map, not the page', async () => {
    const show = await newShow();
    const context = await browser.newContext({ baseURL: ctx.url, viewport: SIZES[0].viewport, hasTouch: true, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await openShow(page, show.id);
      const before = await seatBox(page, 5);
      const frame = await box(page, '.seat-frame');
      const y = frame.y + frame.height / 2;
      const x = frame.x + frame.width / 2;
      const cdp = await context.newCDPSession(page);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
        cdp.send('Input.dispatchTouchEvent', {
          type,
          touchPoints:
            type === 'touchEnd'
              ? []
              : [
                  { x: x - spread, y, id: 0 },
                  { x: x + spread, y, id: 1 },
                ],
        });
      await touch('touchStart', 30);
      for (const spread of [40, 55, 70, 90, 110, 120]) await touch('touchMove', spread);
      await touch('touchEnd', 0);
      await page.waitForFunction(() => document.querySelector('.zoom-level')?.textContent !== '100%');
      const after = await seatBox(page, 5);
      expect(after.width).toBeGreaterThan(before.width * 2);
      expect(await page.evaluate(() => window.visualViewport?.scale ?? 1)).toBe(1);
      expect(await pageScrollsSideways(page)).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
