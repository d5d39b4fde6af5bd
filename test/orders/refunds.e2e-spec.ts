import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, insertCustomers } from '../factories';
import { expectProblem } from '../support/problem';
import { waitFor } from '../support/wait';
import { DEMO_CARDS, Order } from '../support/orders';

const PRICE = 900;

describe('refunds: a cancelled paid seat, a cancelled show (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  const pricedShow = (seats = 100) => newShow(seats, { price: PRICE, currency: 'EUR' });
  const buy = async (user: { access: string }, showId: number, seats: number[]): Promise<Order> => {
    const hold = (await api.hold(user, showId, seats).expect(201)).body as { id: number };
    const order = (await api.checkout(user, hold.id).expect(201)).body as Order;
    return (await api.demoPay(user, order.id, DEMO_CARDS.pays).expect(200)).body as Order;
  };
  const refundsOf = async (orderId: number) =>
    (await ctx.db.pool.query(`SELECT booking_id, amount, reason, status FROM refunds WHERE order_id = $1 ORDER BY id`, [orderId])).rows;

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env: { JOBS_POLL_SECONDS: '0.5', REFUND_CUTOFF_MINUTES: '60' } }));
  });
  beforeEach(() => clock.set(new Date()));
  afterAll(async () => {
    await ctx?.teardown();
  });

  it("cancelling one paid seat refunds its price (the order partly refunded), the second seat the rest (refunded); each refund is carried out once", async () => {
    const show = await pricedShow();
    const order = await buy(john, show.id, [1, 2]);
    expect(order.status).toBe('paid');
    const bookings = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { id: number; seat_number: number }[];
    const [first, second] = [...bookings].sort((a, b) => a.seat_number - b.seat_number);

    await api.cancel(john, first.id).expect(200);
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'partially_refunded', refunded_amount: PRICE, refund_reason: null });
    expectProblem(await api.cancel(john, first.id), 409, 'ALREADY_CANCELLED');

    await api.cancel(admin, second.id).expect(200);
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'refunded', refunded_amount: 2 * PRICE, refund_reason: 'ADMIN_CANCELLED' });
    await waitFor('both refunds to be carried out', async () => (await refundsOf(order.id)).every((r) => r.status === 'succeeded'));
    expect(await refundsOf(order.id)).toEqual([
      { booking_id: first.id, amount: PRICE, reason: 'CUSTOMER_CANCELLED', status: 'succeeded' },
      { booking_id: second.id, amount: PRICE, reason: 'ADMIN_CANCELLED', status: 'succeeded' },
    ]);
  });

  it('a paid seat: its owner may cancel until REFUND_CUTOFF_MINUTES before the show, an admin at any time, even after the start; free seats keep the old rule', async () => {
    const show = await pricedShow();
    const starts = Date.parse(show.date_time);
    const order = await buy(john, show.id, [10, 11, 12]);
    const [first, second, third] = ((await api.myBookings(john, { show_id: show.id }).expect(200)).body as { id: number; seat_number: number }[]).sort(
      (a, b) => a.seat_number - b.seat_number,
    );
    clock.set(new Date(starts - 61 * 60_000));
    await api.cancel(john, first.id).expect(200);
    clock.set(new Date(starts - 59 * 60_000));
    expectProblem(await api.cancel(john, second.id), 409, 'REFUND_CUTOFF_PASSED');
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'partially_refunded', refunded_amount: PRICE });
    await api.cancel(admin, second.id).expect(200);
    clock.set(new Date(starts + 10 * 60_000));
    expectProblem(await api.cancel(john, third.id), 409, 'SHOW_STARTED');
    await api.cancel(admin, third.id).expect(200);
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'refunded', refunded_amount: 3 * PRICE, refund_reason: 'ADMIN_CANCELLED' });
    expect((await refundsOf(order.id)).map((r) => [r.booking_id, r.reason])).toEqual([
      [first.id, 'CUSTOMER_CANCELLED'],
      [second.id, 'ADMIN_CANCELLED'],
      [third.id, 'ADMIN_CANCELLED'],
    ]);

    // A free seat: its owner may cancel until the start whatever the cutoff, and no one after it (Part 1).
    clock.set(new Date());
    const free = await newShow(10);
    const [one, two] = (await api.book(john, free.id, [1, 2]).expect(201)).body as { id: number }[];
    clock.set(new Date(Date.parse(free.date_time) - 60_000));
    await api.cancel(john, one.id).expect(200);
    clock.set(new Date(Date.parse(free.date_time) + 60_000));
    expectProblem(await api.cancel(admin, two.id), 409, 'SHOW_STARTED');
  });

  it('a show cancelled with 50 paid orders, one partly refunded already, and one unpaid: every paid order refunded in full exactly once, the unpaid one expired', async () => {
    const show = await pricedShow(200);
    const buyers = await insertCustomers(ctx.app, ctx.db.pool, 50);
    const orders: Order[] = [];
    for (let i = 0; i < buyers.length; i += 10) {
      orders.push(...(await Promise.all(buyers.slice(i, i + 10).map((buyer, k) => buy(buyer, show.id, [2 * (i + k) + 1, 2 * (i + k) + 2])))));
    }
    expect(orders.every((o) => o.status === 'paid')).toBe(true);
    // One customer gave one seat back before.
    const [partly] = (await api.myBookings(buyers[0], { show_id: show.id }).expect(200)).body as { id: number }[];
    await api.cancel(buyers[0], partly.id).expect(200);
    // And one checked out but never paid.
    const unpaidHold = (await api.hold(jane, show.id, [150]).expect(201)).body as { id: number };
    const unpaid = (await api.checkout(jane, unpaidHold.id).expect(201)).body as Order;

    await api.cancelShow(admin, show.id).expect(200);

    const { rows } = await ctx.db.pool.query(`SELECT id, status, amount, refunded_amount, refund_reason FROM orders WHERE show_id = $1 ORDER BY id`, [show.id]);
    const paid = rows.filter((o) => o.id !== unpaid.id);
    expect(paid).toHaveLength(50);
    expect(paid.every((o) => o.status === 'refunded' && o.refunded_amount === o.amount && o.refund_reason === 'SHOW_CANCELLED')).toBe(true);
    expect(rows.find((o) => o.id === unpaid.id)).toMatchObject({ status: 'expired', refunded_amount: 0 });
    const refunds = (await ctx.db.pool.query(`SELECT order_id, sum(amount)::int AS total, count(*)::int AS n FROM refunds WHERE order_id = ANY($1::int[]) GROUP BY order_id`, [paid.map((o) => o.id)])).rows;
    expect(refunds).toHaveLength(50);
    expect(refunds.every((r) => r.total === 2 * PRICE)).toBe(true);
    expect(refunds.find((r) => r.order_id === orders[0].id)).toMatchObject({ n: 2 });
    await waitFor('every refund to be carried out', async () => {
      const pending = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.show_id = $1 AND r.status <> 'succeeded'`, [show.id]);
      return pending.rows[0].n === 0;
    }, 90_000);
    const jobs = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'payments.refund' AND (data->>'refundId')::int IN (SELECT r.id FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.show_id = $1)`, [show.id]);
    expect(jobs.rows[0].n).toBe(51);

    // The unpaid order's payment arrives after all: the cancelled show refunds it at once.
    expect((await api.demoPay(jane, unpaid.id, DEMO_CARDS.pays).expect(200)).body).toMatchObject({ status: 'refunded', refund_reason: 'SHOW_CANCELLED' });
    // Money records are kept.
    expectProblem(await api.deleteShow(admin, show.id), 409, 'SHOW_HAS_ORDERS');
  }, 180_000);
});
