import type { Browser, Page } from 'playwright-core';
import { seatLabel } from '../../src/seats/seat-label.sql';
import { BookingWorld, bookingWorld, unique } from '../factories';
import { describeWithBrowser, launchBrowser, openTab, seatBecomes, type Tab } from '../support/browser';

interface MapSeat {
  seat_number: number;
  label: string;
  row: string;
  kind: string;
}
interface SeatMapBody {
  total_seats: number;
  seats: MapSeat[];
  rows: { label: string; seats: ({ seat_number: number; label: string; kind: string } | null)[] }[];
}

/** Show sizes around the rule's edges: one row, rows of 20 and of an even share, two-letter rows, the largest show. */
const SIZES = [1, 19, 20, 21, 40, 41, 99, 100, 101, 520, 521, 2000];

/**
 * A plan that names seats otherwise than the rule: an aisle, a seat with a
 * label of its own (W1, a wheelchair space), rows labelled with digits.
 */
const PLAN = [
  { label: 'A', seats: [{}, null, { label: 'W1', kind: 'wheelchair' }, {}] },
  { label: '2', seats: [{ kind: 'premium' }, {}, {}] },
  { seats: 4 },
];

/**
 * One name for a seat everywhere: the service names seats (the screen's plan,
 * or for a show made from a screen name, rows of at most 20 by the rule of
 * src/seats/seat-label.sql.ts); the seat map's `seats` and `rows` give the
 * same labels, a booking is sold with its seat's label, and the web app's map
 * shows exactly those labels (it has no rule of its own any more).
 */
describe('seat labels: the API’s, on the map, in the bookings (e2e)', () => {
  let { ctx, api, admin, john, movieId, newShow } = {} as BookingWorld; // assigned in beforeAll
  let planned: number;
  let day = 3;

  const seatMap = async (showId: number) => (await api.seatMap(showId).expect(200)).body as SeatMapBody;
  const onPlan = async () => {
    const screen = (await api.createScreen(admin, { name: `Labels ${unique()}`, rows: PLAN }).expect(201)).body as { id: number };
    return (await api.createShow(admin, movieId, { screen_id: screen.id, date_time: new Date(Date.now() + ++day * 86400_000).toISOString() }).expect(201)).body as {
      id: number;
    };
  };

  beforeAll(async () => {
    ({ ctx, api, admin, john, movieId, newShow } = await bookingWorld());
    planned = (await onPlan()).id;
  });
  afterAll(() => ctx?.teardown());

  it('a show made from a screen name: rows of at most 20, labelled by the rule, in `rows` and `seats` alike', async () => {
    for (const total of SIZES) {
      const map = await seatMap((await newShow(total)).id);
      const inRows = map.rows.flatMap((row) => row.seats.map((seat) => (seat ? [seat.seat_number, seat.label, row.label] : null)));
      expect(inRows).not.toContain(null);
      expect(inRows).toEqual(map.seats.map((seat) => [seat.seat_number, seat.label, seat.row]));
      expect(Math.max(...map.rows.map((row) => row.seats.length))).toBeLessThanOrEqual(20);
      const { rows } = await ctx.db.pool.query<{ labels: string }>(
        `SELECT string_agg(${seatLabel('n', '$1::int')}, ' ' ORDER BY n) AS labels FROM generate_series(1, $1::int) n`,
        [total],
      );
      expect(map.seats.map((seat) => seat.label).join(' ')).toBe(rows[0].labels);
    }
  });

  it('names the examples of the contract', async () => {
    const labels = async (total: number, seats: number[]) => {
      const map = await seatMap((await newShow(total)).id);
      return seats.map((seat) => map.seats[seat - 1].label);
    };
    expect(await labels(100, [47])).toEqual(['C7']);
    expect(await labels(20, [1, 20])).toEqual(['A1', 'A20']);
    expect(await labels(21, [11, 12, 21])).toEqual(['A11', 'B1', 'B10']);
    expect(await labels(2000, [520, 521, 2000])).toEqual(['Z20', 'AA1', 'CV20']);
    // A plan: places count seats, not gaps; a seat may be named otherwise; rows may be numbered.
    expect((await seatMap(planned)).seats.map((seat) => seat.label)).toEqual(['A1', 'W1', 'A3', '21', '22', '23', 'C1', 'C2', 'C3', 'C4']);
  });

  it('a booking is sold with the label the seat map gives its seat', async () => {
    for (const [showId, seats] of [
      [(await newShow(41)).id, [1, 20, 21, 22, 41]],
      [planned, [2, 3, 4, 7]],
    ] as const) {
      const map = await seatMap(showId);
      const booked = (await api.book(john, showId, [...seats]).expect(201)).body as { seat_number: number; seat_label: string }[];
      expect(booked.map((b) => [b.seat_number, b.seat_label])).toEqual(seats.map((seat) => [seat, map.seats[seat - 1].label]));
    }
  });

  describeWithBrowser('in the browser', () => {
    let browser: Browser;
    let tab: Tab;

    /** What the map on the page names each seat: its label, and its accessible name. */
    const drawn = async (page: Page, showId: number) => {
      await page.goto(`/shows/${showId}`);
      await page.getByText('Live: seats change here').waitFor();
      await page.locator('[data-seat="1"]').waitFor();
      return page
        .locator('[data-seat]')
        .evaluateAll((els) => els.map((el) => [Number((el as HTMLElement).dataset.seat), (el as HTMLElement).dataset.label, el.getAttribute('aria-label')]));
    };
    /** "Row C seat 7", or "Row A seat W1" for a seat named otherwise than its row. */
    const nameOf = (seat: MapSeat) => `Row ${seat.row} seat ${seat.label.startsWith(seat.row) && seat.label.length > seat.row.length ? seat.label.slice(seat.row.length) : seat.label}`;

    beforeAll(async () => {
      browser = await launchBrowser();
      tab = await openTab(browser, ctx.url);
    });
    afterAll(() => browser?.close());
    afterEach(() => expect(tab.errors).toEqual([]));

    it('the map names every seat as the API does, on the largest show and on a plan, and a booked seat as its booking does', async () => {
      for (const showId of [(await newShow(2000)).id, planned]) {
        const map = await seatMap(showId);
        const onPage = await drawn(tab.page, showId);
        expect(onPage.map(([seat, label]) => [seat, label])).toEqual(map.seats.map((seat) => [seat.seat_number, seat.label]));
        const misnamed = map.seats.filter((seat, i) => !String(onPage[i]?.[2]).startsWith(`${nameOf(seat)}, `));
        expect(misnamed).toEqual([]);
      }
      expect(await tab.page.getByRole('button', { name: 'Row A seat W1, wheelchair space, booked', exact: true }).count()).toBe(1);

      // Seats booked after the page opened: the live update marks them, the label stays the booking's.
      const show = await newShow(40);
      await drawn(tab.page, show.id);
      const booked = (await api.book(john, show.id, [21, 40]).expect(201)).body as { seat_number: number; seat_label: string }[];
      for (const { seat_number, seat_label } of booked) {
        await seatBecomes(tab.page, seat_number, 'booked');
        expect(await tab.page.locator(`[data-seat="${seat_number}"]`).getAttribute('data-label')).toBe(seat_label);
      }
      expect(booked.map((b) => b.seat_label)).toEqual(['B1', 'B20']);
    });
  });
});
