import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, TestUser } from '../factories';
import { Mailbox } from '../support/mailbox';
import { expectProblem } from '../support/problem';
import { waitFor } from '../support/wait';
import { DEMO_CARDS, Order } from '../support/orders';

const PRICE = 1250;

describe('selling for money with the demo provider: checkout, pay, late payments, refunds (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mailbox: Mailbox;

  const pricedShow = (seats = 20) => newShow(seats, { price: PRICE, currency: 'EUR' });
  const bookingsOfOrder = async (orderId: number) =>
    (await ctx.db.pool.query(`SELECT seat_number, price, status FROM bookings WHERE order_id = $1 ORDER BY seat_number`, [orderId])).rows;
  /** The first message to `user` whose subject says `words`, once it has arrived. */
  const mailTo = async (user: TestUser, words: string) => {
    const find = () => mailbox.to(`${user.username}@example.com`).find((m) => (m.subject ?? '').includes(words));
    await waitFor(`a message to ${user.username} about "${words}"`, () => find() !== undefined, 15_000);
    return find()!;
  };
  const holdAndCheckOut = async (user: TestUser, showId: number, seats: number[]): Promise<Order> => {
    const hold = (await api.hold(user, showId, seats).expect(201)).body as { id: number };
    return (await api.checkout(user, hold.id).expect(201)).body as Order;
  };

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', PAYMENT_WINDOW_SECONDS: '600' } }));
  });
  beforeEach(() => clock.set(new Date()));

  afterAll(async () => {
    await ctx?.teardown();
    await mailbox?.stop();
  });

  it('hold, checkout, pay: the order is paid, its bookings carry the price and the order, and the tickets are e-mailed', async () => {
    const show = await pricedShow();
    expect((await api.show(show.id).expect(200)).body).toMatchObject({ price: PRICE, currency: 'EUR' });
    const order = await holdAndCheckOut(john, show.id, [3, 4]);
    expect(order).toMatchObject({ status: 'pending', amount: 2 * PRICE, currency: 'EUR', seat_numbers: [3, 4], paid_at: null, payment: { provider: 'demo', pay_url: `/orders/${order.id}/pay` } });
    // An order says what it is for, so a list of orders needs no other request.
    expect(order).toMatchObject({ movie_title: show.movie_title, screen_name: show.screen_name, date_time: show.date_time, seat_labels: ['A3', 'A4'] });

    const paid = (await api.demoPay(john, order.id, DEMO_CARDS.pays).expect(200)).body as Order;
    expect(paid).toMatchObject({ id: order.id, status: 'paid', refunded_amount: 0, refund_reason: null });
    expect(paid.paid_at).not.toBeNull();
    expect(await bookingsOfOrder(order.id)).toEqual([
      { seat_number: 3, price: PRICE, status: 'booked' },
      { seat_number: 4, price: PRICE, status: 'booked' },
    ]);
    const mine = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { price: number; order_id: number }[];
    expect(mine.map((b) => [b.price, b.order_id])).toEqual([
      [PRICE, order.id],
      [PRICE, order.id],
    ]);
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'paid' });
    expect(((await api.myOrders(john).expect(200)).body as Order[])[0]).toMatchObject({ id: order.id, status: 'paid', movie_title: show.movie_title, seat_labels: ['A3', 'A4'] });
    const mail = await mailTo(john, show.movie_title);
    expect(mail.text).toContain('seats A3, A4');
  });

  it("a priced show is not booked without money: a customer's direct booking and a hold's confirm are 402, and nothing changes", async () => {
    const show = await pricedShow();
    expectProblem(await api.book(john, show.id, [1]), 402, 'PAYMENT_REQUIRED');
    const hold = (await api.hold(john, show.id, [2]).expect(201)).body as { id: number };
    expectProblem(await api.confirm(john, hold.id), 402, 'PAYMENT_REQUIRED');
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1`, [show.id]);
    expect(rows[0].n).toBe(0);
    // A free show needs no checkout.
    const free = await newShow(5);
    const freeHold = (await api.hold(john, free.id, [1]).expect(201)).body as { id: number };
    expectProblem(await api.checkout(john, freeHold.id), 409, 'CHECKOUT_NOT_NEEDED');
  });

  it('a declined card fails the order; checking out again gives the same order, pending, and a good card pays it', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(jane, show.id, [5]);
    expectProblem(await api.demoPay(jane, order.id, DEMO_CARDS.declines), 402, 'PAYMENT_DECLINED');
    expect((await api.order(jane, order.id).expect(200)).body).toMatchObject({ status: 'failed' });
    expect(await bookingsOfOrder(order.id)).toEqual([]);
    const again = (await api.checkout(jane, order.hold_id!).expect(201)).body as Order;
    expect(again).toMatchObject({ id: order.id, status: 'pending', expires_at: order.expires_at });
    expect((await api.demoPay(jane, order.id, DEMO_CARDS.pays).expect(200)).body).toMatchObject({ status: 'paid' });
    expectProblem(await api.demoPay(jane, order.id, DEMO_CARDS.pays), 409, 'ORDER_ALREADY_PAID');
  });

  it('a late payment whose seats are still free books them', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [7]);
    clock.set(new Date(new Date(order.expires_at).getTime() + 1000));
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'expired' });
    expect((await api.demoPay(john, order.id, DEMO_CARDS.pays).expect(200)).body).toMatchObject({ status: 'paid' });
    expect(await bookingsOfOrder(order.id)).toEqual([{ seat_number: 7, price: PRICE, status: 'booked' }]);
  });

  it('a late payment whose seats were sold meanwhile is refunded in full at once, and the customer is told', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [8, 9]);
    clock.set(new Date(new Date(order.expires_at).getTime() + 1000));
    // Sold at the box office meanwhile.
    await api.book(admin, show.id, [9]).expect(201);
    const refunded = (await api.demoPay(john, order.id, DEMO_CARDS.pays).expect(200)).body as Order;
    expect(refunded).toMatchObject({ status: 'refunded', refunded_amount: 2 * PRICE, refund_reason: 'SEATS_GONE' });
    expect(refunded.paid_at).not.toBeNull();
    expect(await bookingsOfOrder(order.id)).toEqual([]);
    await waitFor('the refund to be carried out', async () => {
      const { rows } = await ctx.db.pool.query(`SELECT status, amount FROM refunds WHERE order_id = $1`, [order.id]);
      return rows.length === 1 && rows[0].status === 'succeeded' && rows[0].amount === 2 * PRICE;
    });
    const mail = await mailTo(john, 'refunded');
    expect(mail.text).toContain('€25.00');
    expect(mail.text).toContain('given to someone else');
  });

  it('releasing the hold ends its pending order as expired; a payment after that books the seats while they are free, and is refunded once they are gone', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [13]);
    await api.release(john, order.hold_id!).expect(204);
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'expired' });
    const { rows } = await ctx.db.pool.query(`SELECT status FROM orders WHERE id = $1`, [order.id]);
    expect(rows).toEqual([{ status: 'expired' }]);
    // A late payment (the provider took the money after the release): the seat is still free, so it is booked.
    expect((await api.demoPay(john, order.id, DEMO_CARDS.pays).expect(200)).body).toMatchObject({ status: 'paid' });
    expect(await bookingsOfOrder(order.id)).toEqual([{ seat_number: 13, price: PRICE, status: 'booked' }]);

    const second = await holdAndCheckOut(john, show.id, [14]);
    await api.release(john, second.hold_id!).expect(204);
    await holdAndCheckOut(jane, show.id, [14]);
    // Another customer's active hold counts as gone.
    expect((await api.demoPay(john, second.id, DEMO_CARDS.pays).expect(200)).body).toMatchObject({ status: 'refunded', refund_reason: 'SEATS_GONE', refunded_amount: PRICE });
    expect(await bookingsOfOrder(second.id)).toEqual([]);
  });

  it('twenty payments of one order at once: one set of bookings, the order paid once', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(jane, show.id, [11, 12]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.demoPay(jane, order.id, DEMO_CARDS.pays)));
    expect(answers.every((res) => res.status === 200 || (res.status === 409 && res.body.code === 'ORDER_ALREADY_PAID'))).toBe(true);
    expect(answers.some((res) => res.status === 200)).toBe(true);
    expect(await bookingsOfOrder(order.id)).toHaveLength(2);
  });

  it('an admin sells a priced seat at the box office: a paid order of its own, no checkout', async () => {
    const show = await pricedShow();
    const [sold] = (await api.book(admin, show.id, [15]).expect(201)).body as { price: number; order_id: number }[];
    expect(sold.price).toBe(PRICE);
    expect(sold.order_id).toEqual(expect.any(Number));
    const { rows } = await ctx.db.pool.query(`SELECT provider, status, amount FROM orders WHERE show_id = $1`, [show.id]);
    expect(rows).toEqual([{ provider: 'box_office', status: 'paid', amount: PRICE }]);
  });

  it("a box-office sale with the customer's address e-mails the tickets to the customer, not to the seller", async () => {
    const show = await pricedShow();
    const customer = `walk-in-${show.id}@example.com`;
    await api.book(admin, show.id, { body: { seat_numbers: [16], customer_email: customer } }).expect(201);
    await waitFor(`the tickets to reach ${customer}`, () => mailbox.to(customer).length > 0, 15_000);
    const [mail] = mailbox.to(customer);
    expect(mail.subject).toContain(show.movie_title);
    expect(mail.text).toContain('seat A16');
    expect(mail.text).not.toMatch(/Hello admin/);
    expect(mail.attachments.filter((a) => a.contentType === 'image/png')).toHaveLength(1);
    for (const bad of ['not-an-address', 12]) {
      expectProblem(await api.book(admin, show.id, { body: { seat_numbers: [17], customer_email: bad } }), 400, 'VALIDATION_FAILED');
    }
  });

  it('the messages of a cancelled paid seat and of a cancelled show say how much is refunded', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(jane, show.id, [1, 2, 3]);
    await api.demoPay(jane, order.id, DEMO_CARDS.pays).expect(200);
    const [first] = ((await api.myBookings(jane, { show_id: show.id }).expect(200)).body as { id: number; seat_number: number }[]).filter((b) => b.seat_number === 1);
    await api.cancel(jane, first.id).expect(200);
    const cancelled = await mailTo(jane, 'booking cancelled');
    expect(cancelled.text).toContain('A1');
    expect(cancelled.text).toContain('€12.50 is refunded');
    await api.cancelShow(admin, show.id).expect(200);
    const showCancelled = await mailTo(jane, 'show cancelled');
    expect(showCancelled.text).toContain('A2, A3');
    expect(showCancelled.text).toContain('€25.00 is refunded');
  });

  it("refuses what is not one's to pay or check out, and bad prices, changing nothing", async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [17]);
    expectProblem(await api.demoPay(jane, order.id, DEMO_CARDS.pays), 403, 'NOT_ORDER_OWNER');
    expectProblem(await api.order(jane, order.id), 403, 'NOT_ORDER_OWNER');
    expectProblem(await api.checkout(jane, order.hold_id!), 403, 'NOT_HOLD_OWNER');
    expectProblem(await api.demoPay(john, 999_999, DEMO_CARDS.pays), 404, 'ORDER_NOT_FOUND');
    expectProblem(await api.demoPay(john, order.id, '1234 5678 9012 3456'), 400, 'VALIDATION_FAILED');
    expectProblem(await api.demoPay(john, order.id, 'not a card'), 400, 'VALIDATION_FAILED');
    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'pending' });

    const hold = (await api.hold(john, show.id, [18]).expect(201)).body as { id: number; expires_at: string };
    clock.set(new Date(new Date(hold.expires_at).getTime() + 1000));
    expectProblem(await api.checkout(john, hold.id), 410, 'HOLD_EXPIRED');

    const movieId = show.movie_id;
    for (const fields of [{ price: -1 }, { price: 100_000_001 }, { price: 12.5 }, { currency: 'eur' }, { currency: 'XYZ' }, { currency: 12 }]) {
      expectProblem(await api.createShow(admin, movieId, { screen_name: 'Screen bad', date_time: new Date(Date.now() + 86400_000).toISOString(), total_seats: 5, ...fields }), 400, 'VALIDATION_FAILED');
    }
  });
});
