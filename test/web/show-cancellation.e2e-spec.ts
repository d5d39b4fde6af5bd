import type { Browser } from 'playwright-core';
import { BookingWorld, bookingWorld, TestUser, unique } from '../factories';
import { ADMIN } from '../setup/test-app';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, signInTab, type Tab } from '../support/browser';
import { DEMO_CARDS, Order } from '../support/orders';

/** A start far enough ahead to be valid, in UTC like the test browser. */
const startAt = (daysAhead: number, hour: number) => {
  const d = new Date(Date.now() + daysAhead * 24 * 3600 * 1000);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

describeWithBrowser('an admin cancels a show and sees it refunded (browser e2e)', () => {
  let { ctx, api, admin, john, jane, movieId } = {} as BookingWorld; // assigned in beforeAll
  let browser: Browser;
  const tabs: Tab[] = [];

  const tab = async (user: { access: string; refresh: string }) => {
    const opened = await openTab(browser, ctx.url);
    await signInTab(opened, user);
    tabs.push(opened);
    return opened;
  };
  /** A customer's order of `seats`, through the API as the web app makes it: hold, checkout, and (unless `pay` is false) the demo card. */
  const buy = async (user: TestUser, showId: number, seats: number[], { pay = true } = {}) => {
    const hold = (await api.hold(user, showId, seats).expect(201)).body as { id: number };
    const order = (await api.checkout(user, hold.id).expect(201)).body as Order;
    if (!pay) return order;
    return (await api.demoPay(user, order.id, DEMO_CARDS.pays).expect(200)).body as Order;
  };
  const orderOf = async (user: TestUser, orderId: number) => (await api.order(user, orderId).expect(200)).body as Order;

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, movieId } = await bookingWorld());
    browser = await launchBrowser();
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
  });

  it('cancels a priced show with paid orders after a confirmation, sees the refunds on the staff page, and each customer sees the order refunded', async () => {
    const screen = `Screen ${unique()}`;
    const show = (await api.createShow(admin, movieId, { screen_name: screen, date_time: startAt(3, 20), total_seats: 40, price: 1250, currency: 'EUR' }).expect(201))
      .body as { id: number };
    const johns = await buy(john, show.id, [1, 2]);
    const janes = await buy(jane, show.id, [5]);
    const unpaid = await buy(jane, show.id, [9], { pay: false });
    expect([johns.status, janes.status, unpaid.status]).toEqual(['paid', 'paid', 'pending']);

    const staff = await tab((await api.login(ADMIN).expect(200)).body);
    const { page } = staff;
    await page.goto(`/admin/movies/${movieId}`);
    const row = page.getByRole('row', { name: new RegExp(screen) });
    await row.getByText('3 sold · 1 held · 36 free').waitFor();

    // The first click asks, and says what happens to the money.
    await row.getByRole('button', { name: /^Cancel the show of/ }).click();
    const confirm = row.getByRole('group', { name: /^Cancel the show of .*\?$/ });
    await confirm
      .getByText(
        'Cancel this show? Its 3 booked seats and any holds are cancelled, every paid order is refunded in full, each customer is told by e-mail, and the screen is free again. This cannot be undone.',
      )
      .waitFor();
    expect((await api.show(show.id).expect(200)).body.status).toBe('scheduled');
    await confirm.getByRole('button', { name: 'Yes, cancel the show' }).click();

    // The row: cancelled, and the money its paid seats were sold for, refunded.
    await row.locator('.badge').filter({ hasText: /^Cancelled / }).waitFor();
    await row.getByText('€37.50 refunded for 3 paid seats.').waitFor();
    expect(await row.getByRole('button', { name: /^(Edit|Cancel) the show of/ }).count()).toBe(0);
    await expectAccessible(page, 'the staff page, a show cancelled');

    // What the service did: the show cancelled, each paid order refunded in full for the cancellation, the unpaid one ended.
    expect((await api.show(show.id).expect(200)).body).toMatchObject({ status: 'cancelled', booked_seats: 0, held_seats: 0 });
    expect(await orderOf(john, johns.id)).toMatchObject({ status: 'refunded', amount: 2500, refunded_amount: 2500, refund_reason: 'SHOW_CANCELLED' });
    expect(await orderOf(jane, janes.id)).toMatchObject({ status: 'refunded', amount: 1250, refunded_amount: 1250, refund_reason: 'SHOW_CANCELLED' });
    expect(await orderOf(jane, unpaid.id)).toMatchObject({ status: 'expired', refunded_amount: 0 });
    // The staff list of the show's bookings, which the row adds up: every seat cancelled, at the price it was paid.
    const bookings = (await api.showBookings(admin, show.id).expect(200)).body as { seat_number: number; status: string; price: number; order_id: number }[];
    expect(bookings.map((b) => [b.seat_number, b.status, b.price, b.order_id])).toEqual([
      [1, 'cancelled', 1250, johns.id],
      [2, 'cancelled', 1250, johns.id],
      [5, 'cancelled', 1250, janes.id],
    ]);

    // Opened again later: still cancelled, and still what was refunded.
    await page.reload();
    await row.locator('.badge').filter({ hasText: /^Cancelled / }).waitFor();
    await row.getByText('€37.50 refunded for 3 paid seats.').waitFor();

    // The customer: My orders says refunded and why; the order's page says so; the show's page too.
    const customer = await tab(john);
    await customer.page.goto('/my-orders');
    const item = customer.page.getByRole('listitem', { name: new RegExp(`^Order ${johns.id}: .*, Refunded \\(the show was cancelled\\)$`) });
    await item.locator('.badge').filter({ hasText: /^Refunded$/ }).waitFor();
    await item.getByText(/€25\.00 refunded: the show was cancelled$/).waitFor();
    expect(await item.getByRole('link', { name: /^(Pay|Tickets) / }).count()).toBe(0);
    await expectAccessible(customer.page, 'my orders, refunded');

    await customer.page.goto(`/orders/${johns.id}/pay`);
    await customer.page.getByRole('heading', { name: 'Refunded' }).waitFor();
    await customer.page.getByRole('alert').filter({ hasText: 'Refunded: the show was cancelled, and the €25.00 you paid is refunded in full to your card.' }).waitFor();

    await customer.page.goto(`/shows/${show.id}`);
    await customer.page.getByText('Cancelled: this show will not take place, and its seats are not on sale. Bookings of it are cancelled, and what was paid for them is refunded in full.').waitFor();

    // The other customer, whose unpaid order simply ended.
    const other = await tab(jane);
    await other.page.goto('/my-orders');
    await other.page.getByRole('listitem', { name: new RegExp(`^Order ${janes.id}: .*, Refunded \\(the show was cancelled\\)$`) }).waitFor();
    await other.page.getByRole('listitem', { name: new RegExp(`^Order ${unpaid.id}: .*, Expired$`) }).waitFor();
  }, 120_000);
});
