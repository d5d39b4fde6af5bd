import type { Browser, Page } from 'playwright-core';
import { Clock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, unique } from '../factories';
import { ADMIN } from '../setup/test-app';
import { DEMO_CARDS, Order } from '../support/orders';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, saveScreenshot, seatBecomes, signInTab, type Tab } from '../support/browser';

/** Real time, which a spec can move ahead (an order's time to pay running out) without stopping it. */
class AheadClock extends Clock {
  ahead = 0;
  override now(): Date {
    return new Date(Date.now() + this.ahead);
  }
}

/** A start far enough ahead to be valid, at a whole minute (a datetime-local field's precision), in UTC like the test browser. */
const startAt = (daysAhead: number, hour: number) => {
  const d = new Date(Date.now() + daysAhead * 24 * 3600 * 1000);
  d.setUTCHours(hour, 0, 0, 0);
  return { input: d.toISOString().slice(0, 16), iso: d.toISOString() };
};

describeWithBrowser('buying seats of a priced show (browser e2e)', () => {
  const clock = new AheadClock();
  let { ctx, api, admin, john, jane, movieId } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  const tabs: Tab[] = [];

  const tab = async (user?: { access: string; refresh: string }) => {
    const opened = await openTab(browser, ctx.url);
    if (user) await signInTab(opened, user);
    tabs.push(opened);
    return opened;
  };
  /** A show of the world's movie at `price` (minor units) EUR, created by the admin over the API. */
  const pricedShow = async (price: number, totalSeats = 40, daysAhead = 2) =>
    (
      await api
        .createShow(admin, movieId, { screen_name: `Screen ${unique()}`, date_time: startAt(daysAhead, 19).iso, total_seats: totalSeats, price, currency: 'EUR' })
        .expect(201)
    ).body as { id: number; screen_name: string; price: number; currency: string };

  /** On the show's page: picks `seats` (named as the map names them), holds them and checks out; resolves on the payment page. */
  const holdAndCheckOut = async (page: Page, showId: number, seats: string[], total: string) => {
    await page.goto(`/shows/${showId}`);
    await page.getByText('Live: seats change here').waitFor();
    for (const seat of seats) await page.getByRole('button', { name: `${seat}, available` }).click();
    await page.locator('.checkout .total').filter({ hasText: `Total: ${total}` }).waitFor();
    await page.getByRole('button', { name: `Hold ${seats.length} seat${seats.length === 1 ? '' : 's'}` }).click();
    await page.getByRole('button', { name: `Check out and pay ${total}` }).click();
    await page.waitForURL(/\/orders\/\d+\/pay$/);
    await page.getByRole('heading', { name: 'Pay for your seats' }).waitFor();
    return Number(/\/orders\/(\d+)\/pay$/.exec(page.url())![1]);
  };
  const pay = async (page: Page, card: string, amount: string) => {
    await page.getByLabel('Card number').fill(card);
    await page.getByRole('button', { name: `Pay ${amount}` }).click();
  };

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, movieId } = await bookingWorld({ clock }));
    browser = await launchBrowser();
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('a customer sees the price, picks two seats, checks out, is declined once, pays, and finds the tickets and the paid order', async () => {
    const show = await pricedShow(1250);
    const { page } = await tab(john);

    // The price on the movie's list of shows, and on the show's page.
    await page.goto(`/movies/${movieId}`);
    await page.getByRole('link', { name: new RegExp(show.screen_name) }).filter({ hasText: '€12.50' }).click();
    await page.locator('.show-facts').filter({ hasText: '€12.50 a seat' }).waitFor();

    const orderId = await holdAndCheckOut(page, show.id, ['Row A seat 5', 'Row A seat 6'], '€25.00');
    const facts = page.locator('.order-facts');
    for (const text of [show.screen_name, 'A5 and A6 (2 seats)', '€25.00', `No. ${orderId}`]) await facts.getByText(text).waitFor();
    expect(await page.locator('.countdown').textContent()).toMatch(/^1[45]:\d\d left to pay$/);
    await page.getByText(`${DEMO_CARDS.pays} pays, ${DEMO_CARDS.declines} is declined`).waitFor();
    const order = (await api.order(john, orderId).expect(200)).body as Order;
    expect(order).toMatchObject({ status: 'pending', amount: 2500, currency: 'EUR', seat_numbers: [5, 6] });
    await expectAccessible(page, 'the payment page');

    // Declined: said at once, and the form stays for another try.
    await pay(page, DEMO_CARDS.declines, '€25.00');
    await page.getByRole('alert').filter({ hasText: 'Payment declined: The card was declined; nothing was charged.' }).waitFor();
    expect((await api.order(john, orderId).expect(200)).body).toMatchObject({ status: 'failed' });
    await expectAccessible(page, 'the payment page, declined');
    await saveScreenshot(page, 'payment-declined');

    // Paid: the success view links to the tickets.
    await pay(page, DEMO_CARDS.pays, '€25.00');
    await page.getByRole('heading', { name: 'Payment received' }).waitFor();
    await page.getByText(/^Paid €25\.00 on .*: A5 and A6 are yours\. Enjoy the show!$/).waitFor();
    await page.getByRole('link', { name: 'Ticket for seat A5' }).waitFor();
    await page.getByRole('link', { name: 'Ticket for seat A6' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect((await api.order(john, orderId).expect(200)).body).toMatchObject({ status: 'paid' });
    const booked = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { seat_number: number; price: number; order_id: number; status: string }[];
    expect(booked.map((b) => [b.seat_number, b.price, b.order_id, b.status]).sort()).toEqual([
      [5, 1250, orderId, 'booked'],
      [6, 1250, orderId, 'booked'],
    ]);
    await expectAccessible(page, 'the payment page, paid');
    await saveScreenshot(page, 'payment-paid');

    // My bookings lists both tickets.
    await page.getByRole('banner').getByRole('link', { name: 'My bookings' }).click();
    await page.getByRole('link', { name: /^Ticket for .*Row A seat 5$/ }).waitFor();
    await page.getByRole('link', { name: /^Ticket for .*Row A seat 6$/ }).waitFor();

    // My orders: the order, paid, with nothing left to pay.
    await page.getByRole('banner').getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    const item = page.getByRole('listitem', { name: new RegExp(`^Order ${orderId}: `) });
    await item.locator('.badge').filter({ hasText: /^Paid$/ }).waitFor();
    await item.getByText('€25.00').waitFor();
    expect(await page.getByRole('link', { name: /^Pay / }).count()).toBe(0);
    await expectAccessible(page, 'my orders');
    await saveScreenshot(page, 'my-orders');

    // The seats are the customer's on the map.
    await page.goto(`/shows/${show.id}`);
    await seatBecomes(page, 5, 'mine-booked');
    await seatBecomes(page, 6, 'mine-booked');
  }, 120_000);

  it('My orders links a pending order to its payment page; a free show is still confirmed without paying', async () => {
    const show = await pricedShow(900, 40, 3);
    const { page } = await tab(jane);
    const orderId = await holdAndCheckOut(page, show.id, ['Row B seat 1'], '€9.00');

    await page.goto('/my-orders');
    const item = page.getByRole('listitem', { name: new RegExp(`^Order ${orderId}: `) });
    await item.locator('.badge').filter({ hasText: /^Pending$/ }).waitFor();
    await item.getByRole('link', { name: `Pay €9.00 for order ${orderId}` }).click();
    await page.getByRole('heading', { name: 'Pay for your seats' }).waitFor();
    expect(page.url()).toMatch(new RegExp(`/orders/${orderId}/pay$`));

    // A free show: no price to pay, the hold is confirmed as before.
    const free = (await api.createShow(admin, movieId, { screen_name: `Free ${unique()}`, date_time: startAt(3, 12).iso, total_seats: 20 }).expect(201)).body as { id: number };
    await page.goto(`/shows/${free.id}`);
    await page.locator('.show-facts').filter({ hasText: 'Free' }).waitFor();
    await page.getByRole('button', { name: 'Row A seat 3, available' }).click();
    expect(await page.locator('.checkout .total').count()).toBe(0);
    await page.getByRole('button', { name: 'Hold 1 seat' }).click();
    await page.getByRole('button', { name: 'Confirm booking of 1 seat' }).click();
    await page.locator('.checkout .success').filter({ hasText: 'Booked: A3.' }).waitFor();
  });

  it('an admin sets a show’s price and currency on the forms, in major units, and the list shows it', async () => {
    const staff = await tab((await api.login(ADMIN).expect(200)).body);
    const { page } = staff;
    await page.goto(`/admin/movies/${movieId}`);
    const schedule = page.locator('form', { has: page.getByRole('heading', { name: 'Schedule a show' }) });
    const screen = `Screen ${unique()}`;
    const start = startAt(5, 15);
    await schedule.getByLabel('Screen').fill(screen);
    await schedule.getByLabel('Starts at').fill(start.input);
    await schedule.getByLabel('Seats').fill('30');
    expect(await schedule.getByLabel('Currency').inputValue()).toBe('EUR');
    await schedule.getByLabel('Price per seat').fill('twelve');
    await schedule.getByRole('button', { name: 'Schedule show' }).click();
    await schedule.locator('.field-error').filter({ hasText: 'Price must be an amount in EUR, such as 12.50.' }).waitFor();
    await schedule.getByLabel('Price per seat').fill('12.5');
    await schedule.getByLabel('Currency').selectOption('GBP');
    await schedule.getByRole('button', { name: 'Schedule show' }).click();
    const row = page.getByRole('row', { name: new RegExp(screen) });
    await row.getByRole('cell', { name: '£12.50' }).waitFor();
    const created = ((await api.movieShows(movieId).expect(200)).body as { id: number; screen_name: string; price: number; currency: string }[]).find(
      (s) => s.screen_name === screen,
    );
    expect(created).toMatchObject({ price: 1250, currency: 'GBP' });

    await row.getByRole('button', { name: /^Edit the show of/ }).click();
    const edit = page.getByRole('form', { name: /^Edit the show of/ });
    expect(await edit.getByLabel('Price per seat').inputValue()).toBe('12.50');
    await edit.getByLabel('Price per seat').fill('8');
    await edit.getByLabel('Currency').selectOption('EUR');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: new RegExp(screen) }).getByRole('cell', { name: '€8.00' }).waitFor();
    expect((await api.show(created!.id).expect(200)).body).toMatchObject({ price: 800, currency: 'EUR' });
  });

  it('money that arrives after the seats were gone is refunded, and the page says so', async () => {
    const show = await pricedShow(1000, 40, 4);
    const { page } = await tab(john);
    const orderId = await holdAndCheckOut(page, show.id, ['Row A seat 1', 'Row A seat 2'], '€20.00');

    // The time to pay runs out (the service's clock, not the page's), and the box office sells the seats.
    clock.ahead = 16 * 60_000;
    await api.book(admin, show.id, [1, 2]).expect(201);

    await pay(page, DEMO_CARDS.pays, '€20.00');
    await page.getByRole('heading', { name: 'Your seats were gone' }).waitFor();
    await page.getByRole('alert').filter({ hasText: /seats were gone.*€20\.00 you paid is refunded in full/ }).waitFor();
    expect((await api.order(john, orderId).expect(200)).body).toMatchObject({ status: 'refunded', refund_reason: 'SEATS_GONE' });
  });
});
