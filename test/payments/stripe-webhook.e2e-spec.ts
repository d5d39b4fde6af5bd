import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, TestUser } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { FakeStripe, signedEvent } from '../support/fake-stripe';
import { expectProblem } from '../support/problem';
import { waitFor } from '../support/wait';
import { Order } from '../support/orders';

const SECRET_KEY = 'sk_test_fake_webhook_0123';
const WEBHOOK_SECRET = 'whsec_fake_webhook_0123';
const PUBLISHABLE_KEY = 'pk_test_fake_webhook_0123';
/** STRIPE_IDEMPOTENCY_PREFIX's default: the slug of CINEMA_NAME. */
const PREFIX = 'roxy';
const PRICE = 1250;
const WEBHOOK = '/payments/stripe/webhook';

describe('Stripe: the webhook settles payments once, whatever repeats, races and arrives early (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let fake: FakeStripe;
  let env: Record<string, string>;
  let other: TestApp | undefined;

  const pricedShow = (seats = 20) => newShow(seats, { price: PRICE, currency: 'EUR' });
  const query = async (text: string, params: unknown[] = []) => (await ctx.db.pool.query(text, params)).rows;
  const bookingsOfOrder = (orderId: number) => query(`SELECT seat_number, status FROM bookings WHERE order_id = $1 ORDER BY seat_number`, [orderId]);
  const eventRows = (eventId: string) => query(`SELECT provider, type FROM payment_events WHERE event_id = $1`, [eventId]);
  const orderRow = async (orderId: number) => (await query(`SELECT status, payment_ref, refund_reason FROM orders WHERE id = $1`, [orderId]))[0];
  const refundRows = (orderId: number) => query(`SELECT id, amount, status, reason, provider_ref, settled_at FROM refunds WHERE order_id = $1 ORDER BY id`, [orderId]);

  const holdAndCheckOut = async (user: TestUser, showId: number, seats: number[]): Promise<Order> => {
    const hold = (await api.hold(user, showId, seats).expect(201)).body as { id: number };
    return (await api.checkout(user, hold.id).expect(201)).body as Order;
  };
  /** The PaymentIntent checkout made for the order, as the fake holds it. */
  const intentOf = async (orderId: number) => {
    const { payment_ref } = await orderRow(orderId);
    const intent = fake.paymentIntents.get(payment_ref);
    if (!intent) throw new Error(`order ${orderId} has no PaymentIntent in the fake (${payment_ref})`);
    return intent;
  };
  /** Posts a (signed) event as Stripe does: the exact bytes, application/json, Stripe-Signature. */
  const deliver = (event: { body: string; signature?: string }, via: { http: TestApp['http'] } = ctx) => {
    const req = via.http().post(WEBHOOK).set('content-type', 'application/json; charset=utf-8');
    if (event.signature !== undefined) req.set('stripe-signature', event.signature);
    return req.send(event.body);
  };
  /** Every instance's /metrics: a job (a refund's payout) runs on whichever instance takes it. */
  const scrape = async () => (await Promise.all([ctx, ...(other ? [other] : [])].map(async (app) => (await app.http().get('/metrics').expect(200)).text))).join('\n');
  /** A counter's value summed over the scraped instances. */
  const counter = (text: string, series: string) =>
    [...text.matchAll(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);

  beforeAll(async () => {
    fake = await FakeStripe.start(SECRET_KEY);
    env = {
      CINEMA_NAME: 'Roxy',
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      STRIPE_API_URL: fake.url,
      PAYMENT_WINDOW_SECONDS: '600',
      JOBS_POLL_SECONDS: '0.5',
      JOB_RETRY_DELAY_SECONDS: '1',
    };
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env }));
  });
  beforeEach(() => {
    clock.set(new Date());
    fake.refundMode = 'ok';
  });

  afterAll(async () => {
    await other?.close();
    await ctx?.teardown();
    await fake?.stop();
  });

  it('hold, checkout with Stripe, pay, the signed payment_intent.succeeded: the order is paid and its seats booked', async () => {
    const before = await scrape();
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [3, 4]);
    expect(order).toMatchObject({ status: 'pending', amount: 2 * PRICE, currency: 'EUR', payment: { provider: 'stripe', publishable_key: PUBLISHABLE_KEY } });
    const intent = await intentOf(order.id);
    expect(order.payment.client_secret).toBe(intent.client_secret);
    const [created] = fake.requestsTo('POST', '/v1/payment_intents').filter((r) => r.idempotencyKey === `${PREFIX}:order:${order.id}`);
    expect(created.body).toMatchObject({ amount: String(2 * PRICE), currency: 'eur', metadata: { order_id: String(order.id), deployment: PREFIX } });

    fake.succeed(intent.id);
    const event = signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET);
    const res = await deliver(event).expect(200);
    expect(res.body).toEqual({ event_id: event.id, type: 'payment_intent.succeeded', duplicate: false });

    expect((await api.order(john, order.id).expect(200)).body).toMatchObject({ status: 'paid' });
    expect(await bookingsOfOrder(order.id)).toEqual([
      { seat_number: 3, status: 'booked' },
      { seat_number: 4, status: 'booked' },
    ]);
    expect(await eventRows(event.id)).toEqual([{ provider: 'stripe', type: 'payment_intent.succeeded' }]);
    // The PaymentIntent was re-read from Stripe before anything changed.
    expect(fake.requestsTo('GET', `/v1/payment_intents/${intent.id}`).length).toBeGreaterThanOrEqual(1);
    const after = await scrape();
    const paid = 'payments_total{provider="stripe",outcome="succeeded"}';
    expect(counter(after, paid) - counter(before, paid)).toBe(1);

    // Delivered again: 200, nothing changes.
    expect((await deliver(event).expect(200)).body).toMatchObject({ duplicate: true });
    expect(await bookingsOfOrder(order.id)).toHaveLength(2);
    expect(counter(await scrape(), paid) - counter(before, paid)).toBe(1);
  });

  it('the same event 20 times at once, across two instances: every answer 200, one set of bookings, the event recorded once', async () => {
    other ??= await startTestApp(ctx.db.url, { clock, env });
    const show = await pricedShow();
    const order = await holdAndCheckOut(jane, show.id, [11, 12]);
    const intent = fake.succeed((await intentOf(order.id)).id);
    const event = signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET);

    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => deliver(event, i % 2 === 0 ? ctx : other!).then((res) => res)));
    expect(answers.map((res) => res.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((res) => res.body.duplicate === false)).toHaveLength(1);
    expect(await bookingsOfOrder(order.id)).toEqual([
      { seat_number: 11, status: 'booked' },
      { seat_number: 12, status: 'booked' },
    ]);
    expect(await eventRows(event.id)).toHaveLength(1);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid' });
  });

  it('refuses a forged, missing or stale signature and a malformed or missing body with 400, recording and changing nothing', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [5]);
    const intent = fake.succeed((await intentOf(order.id)).id);
    const good = signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET);
    const notJson = '{"id": "evt_broken", "type": ';
    const cases: [string, { body: string; signature?: string }][] = [
      ['forged with another secret', signedEvent('payment_intent.succeeded', intent, 'whsec_someone_else', { id: good.id })],
      ['no signature', { body: good.body }],
      ['a garbled signature', { body: good.body, signature: 'nonsense' }],
      ['the signature of another body', { body: good.body.replace('"succeeded"', '"canceled"'), signature: good.signature }],
      ['too old (a replay)', signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET, { id: good.id, timestamp: Math.floor(Date.now() / 1000) - 600 })],
      ['a malformed body, unsigned', { body: notJson }],
      ['a malformed body, signed', { body: notJson, signature: signedEvent('x', {}, WEBHOOK_SECRET).signature }],
      ['an empty body', { body: '', signature: good.signature }],
    ];
    for (const [name, event] of cases) {
      const res = await deliver(event);
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 400, code: 'INVALID_SIGNATURE' });
    }
    // No body at all (no content type either).
    expectProblem(await ctx.http().post(WEBHOOK).set('stripe-signature', good.signature), 400, 'INVALID_SIGNATURE');
    expect(await query(`SELECT count(*)::int AS n FROM payment_events WHERE event_id = $1`, [good.id])).toEqual([{ n: 0 }]);
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending' });
    expect(await bookingsOfOrder(order.id)).toEqual([]);

    // The good one still works afterwards.
    await deliver(good).expect(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid' });
  });

  it('answers 404 where PAYMENT_PROVIDER is not stripe', async () => {
    const demo = await startTestApp(ctx.db.url, { clock, env: { ...env, PAYMENT_PROVIDER: 'demo' } });
    try {
      const event = signedEvent('payment_intent.succeeded', { id: 'pi_x', object: 'payment_intent' }, WEBHOOK_SECRET);
      expectProblem(await deliver(event, demo), 404, 'NOT_FOUND');
      expect(await eventRows(event.id)).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('payment_intent.succeeded before checkout stored the PaymentIntent: the order is found through its metadata and settled at once', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(jane, show.id, [6, 7]);
    const intent = fake.succeed((await intentOf(order.id)).id);
    // As if checkout's answer from Stripe had not been written yet.
    await query(`UPDATE orders SET payment_ref = NULL WHERE id = $1`, [order.id]);

    await deliver(signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET)).expect(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', payment_ref: intent.id });
    expect(await bookingsOfOrder(order.id)).toHaveLength(2);
    expect((await api.order(jane, order.id).expect(200)).body).toMatchObject({ status: 'paid' });
  });

  it("an event of another deployment's PaymentIntent (the same account) is recorded and changes nothing; one of an order not there yet is 409, to be delivered again", async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(john, show.id, [8]);
    const ours = await intentOf(order.id);
    await query(`UPDATE orders SET payment_ref = NULL WHERE id = $1`, [order.id]);
    const theirs = { ...ours, id: 'pi_of_staging_1', metadata: { order_id: String(order.id), deployment: 'roxy-staging' }, status: 'succeeded' as const };
    fake.paymentIntents.set(theirs.id, theirs);
    const foreign = signedEvent('payment_intent.succeeded', theirs, WEBHOOK_SECRET);
    expect((await deliver(foreign).expect(200)).body).toMatchObject({ duplicate: false });
    expect(await eventRows(foreign.id)).toHaveLength(1);
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending', payment_ref: null });

    const early = { ...ours, id: 'pi_of_no_order_yet', metadata: { order_id: '999999', deployment: PREFIX }, status: 'succeeded' as const };
    fake.paymentIntents.set(early.id, early);
    const tooEarly = signedEvent('payment_intent.succeeded', early, WEBHOOK_SECRET);
    expectProblem(await deliver(tooEarly), 409, 'PAYMENT_NOT_READY');
    expect(await eventRows(tooEarly.id)).toEqual([]);

    // A succeeded event whose PaymentIntent Stripe does not yet show succeeded: 409 too, not recorded.
    await query(`UPDATE orders SET payment_ref = $2 WHERE id = $1`, [order.id, ours.id]);
    const unconfirmed = signedEvent('payment_intent.succeeded', { ...ours, status: 'succeeded' }, WEBHOOK_SECRET);
    expectProblem(await deliver(unconfirmed), 409, 'PAYMENT_NOT_READY');
    expect(await eventRows(unconfirmed.id)).toEqual([]);
    fake.succeed(ours.id);
    await deliver(unconfirmed).expect(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid' });
  });

  it('payment_intent.payment_failed fails the order; checkout again gives the same order, pending, and the same PaymentIntent pays it', async () => {
    const show = await pricedShow();
    const order = await holdAndCheckOut(jane, show.id, [9]);
    const intent = await intentOf(order.id);
    await deliver(signedEvent('payment_intent.payment_failed', intent, WEBHOOK_SECRET)).expect(200);
    expect((await api.order(jane, order.id).expect(200)).body).toMatchObject({ status: 'failed' });
    expect(await bookingsOfOrder(order.id)).toEqual([]);

    const again = (await api.checkout(jane, order.hold_id!).expect(201)).body as Order;
    expect(again).toMatchObject({ id: order.id, status: 'pending', expires_at: order.expires_at, payment: { provider: 'stripe', client_secret: intent.client_secret } });
    expect(fake.requestsTo('POST', '/v1/payment_intents').filter((r) => r.idempotencyKey === `${PREFIX}:order:${order.id}`)).toHaveLength(1);

    fake.succeed(intent.id);
    await deliver(signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET)).expect(200);
    // A failure event of the first attempt that arrives late changes nothing.
    await deliver(signedEvent('payment_intent.payment_failed', intent, WEBHOOK_SECRET)).expect(200);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid' });
    expect(await bookingsOfOrder(order.id)).toHaveLength(1);
  });

  /** A paid order whose seat was sold at the box office after its hold expired: refunded SEATS_GONE by the event. */
  async function paidTooLate(user: TestUser): Promise<{ order: Order; intentId: string }> {
    const show = await pricedShow();
    const order = await holdAndCheckOut(user, show.id, [14, 15]);
    clock.set(new Date(new Date(order.expires_at).getTime() + 1000));
    await api.book(admin, show.id, [15]).expect(201);
    const intent = fake.succeed((await intentOf(order.id)).id);
    await deliver(signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET)).expect(200);
    expect((await api.order(user, order.id).expect(200)).body).toMatchObject({ status: 'refunded', refunded_amount: 2 * PRICE, refund_reason: 'SEATS_GONE' });
    expect(await bookingsOfOrder(order.id)).toEqual([]);
    return { order, intentId: intent.id };
  }

  it('a late payment whose seats are gone is refunded in full through Stripe, under an idempotency key; charge.refunded then changes nothing', async () => {
    const before = await scrape();
    const { order, intentId } = await paidTooLate(john);
    await waitFor('the refund to succeed', async () => (await refundRows(order.id))[0]?.status === 'succeeded', 15_000);
    const [refund] = await refundRows(order.id);
    expect(refund).toMatchObject({ amount: 2 * PRICE, reason: 'SEATS_GONE', provider_ref: expect.stringMatching(/^re_/) });
    const calls = fake.requestsTo('POST', '/v1/refunds').filter((r) => r.body.payment_intent === intentId);
    expect(calls.map((r) => [r.idempotencyKey, r.body.amount])).toEqual([[`${PREFIX}:refund:${refund.id}`, String(2 * PRICE)]]);
    const after = await scrape();
    for (const series of ['payments_total{provider="stripe",outcome="refunded_seats_gone"}', 'refunds_total{outcome="succeeded"}']) {
      expect({ series, more: counter(after, series) - counter(before, series) }).toEqual({ series, more: 1 });
    }

    const charge = { id: 'ch_1', object: 'charge', payment_intent: intentId, amount: 2 * PRICE, amount_refunded: 2 * PRICE, refunded: true };
    const refunded = signedEvent('charge.refunded', charge, WEBHOOK_SECRET);
    expect((await deliver(refunded).expect(200)).body).toMatchObject({ duplicate: false });
    expect(await refundRows(order.id)).toEqual([refund]);
    expect(fake.requestsTo('POST', '/v1/refunds').filter((r) => r.body.payment_intent === intentId)).toHaveLength(1);
    expect(await eventRows(refunded.id)).toEqual([{ provider: 'stripe', type: 'charge.refunded' }]);
  });

  it('a refund Stripe keeps answering 500 is retried by its job until it succeeds, once, under one key', async () => {
    fake.failWith(500, { times: 4, path: /^\/v1\/refunds$/ });
    const { order, intentId } = await paidTooLate(jane);
    await waitFor('the refund to succeed after the failures', async () => (await refundRows(order.id))[0]?.status === 'succeeded', 30_000);
    const [refund] = await refundRows(order.id);
    const calls = fake.requestsTo('POST', '/v1/refunds').filter((r) => r.body.payment_intent === intentId);
    // Three tries of the first run (the SDK retries twice), then the job's next run: two more, the last answered.
    expect(calls.length).toBe(5);
    expect(new Set(calls.map((r) => r.idempotencyKey))).toEqual(new Set([`${PREFIX}:refund:${refund.id}`]));
    expect([...fake.refunds.values()].filter((r) => r.payment_intent === intentId)).toHaveLength(1);
    // The queue marks the run completed just after the handler has written the refund's verdict.
    const jobsOf = () => query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'payments.refund' AND data->>'refundId' = $1`, [String(refund.id)]);
    await waitFor('the job to be marked completed', async () => (await jobsOf())[0]?.state === 'completed');
    expect(await jobsOf()).toEqual([{ state: 'completed', retry_count: 1 }]);
  });

  it('a pending refund is followed up by a refund event: Stripe is asked again and its verdict written', async () => {
    fake.refundMode = 'pending';
    const { order, intentId } = await paidTooLate(john);
    await waitFor('the refund to be pending at Stripe', async () => (await refundRows(order.id))[0]?.provider_ref !== null, 15_000);
    const [pending] = await refundRows(order.id);
    expect(pending).toMatchObject({ status: 'pending', settled_at: null });

    fake.refunds.get(pending.provider_ref)!.status = 'succeeded';
    const updated = signedEvent('refund.updated', { id: pending.provider_ref, object: 'refund', payment_intent: intentId, status: 'succeeded' }, WEBHOOK_SECRET);
    await deliver(updated).expect(200);
    expect((await refundRows(order.id))[0]).toMatchObject({ status: 'succeeded', settled_at: expect.any(Date) });
    expect(fake.requestsTo('GET', `/v1/refunds/${pending.provider_ref}`)).toHaveLength(1);
  });

  it('an event of a type it does not act on is recorded once and answered 200', async () => {
    const event = signedEvent('customer.created', { id: 'cus_1', object: 'customer' }, WEBHOOK_SECRET);
    expect((await deliver(event).expect(200)).body).toEqual({ event_id: event.id, type: 'customer.created', duplicate: false });
    expect((await deliver(event).expect(200)).body).toEqual({ event_id: event.id, type: 'customer.created', duplicate: true });
    expect(await eventRows(event.id)).toEqual([{ provider: 'stripe', type: 'customer.created' }]);
  });
});
