import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { Clock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, unique } from '../factories';
import { closeTabs, describeWithBrowser, expectAccessible, launchBrowser, openTab, signInTab, type Tab } from '../support/browser';
import { FakeStripe, signedEvent, STRIPE_TEST_CARDS } from '../support/fake-stripe';
import { waitFor } from '../support/wait';
import { Order } from '../support/orders';

/** Real time, which a spec can move ahead (an order's time to pay running out) without stopping it. */
class AheadClock extends Clock {
  ahead = 0;
  override now(): Date {
    return new Date(Date.now() + this.ahead);
  }
}

const SECRET_KEY = 'sk_test_fake_browser_0123';
const WEBHOOK_SECRET = 'whsec_fake_browser_0123';
const PUBLISHABLE_KEY = 'pk_test_fake_browser_0123';
const PAYMENT_WINDOW_SECONDS = 600;

/** Stripe.js's stand-in, served in place of https://js.stripe.com/<release>/stripe.js. */
const STAND_IN = readFileSync(join(__dirname, '..', 'support', 'stripe-js-stand-in.js'), 'utf8');

/** What the stand-in recorded of the page's calls (window.__stripeStandIn). */
interface StandInLog {
  keys: string[];
  elements: { clientSecret: string }[];
  mounts: { clientSecret: string }[];
  confirmations: { clientSecret: string; returnUrl: string; redirect: string; card: string }[];
  retrievals: { clientSecret: string }[];
}

/** A tab with Stripe's two origins served locally: the stand-in for js.stripe.com, the FakeStripe for api.stripe.com. */
interface StripeTab extends Tab {
  /** Every js.stripe.com address the page asked for. */
  scripts: string[];
  /** Every file of the app's own /assets/ the page fetched. */
  assets: string[];
}

/** A start far enough ahead to be valid, in UTC like the test browser. */
const startAt = (daysAhead: number, hour: number) => {
  const d = new Date(Date.now() + daysAhead * 24 * 3600 * 1000);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

describeWithBrowser("paying through Stripe's Payment Element (browser e2e)", () => {
  const clock = new AheadClock();
  let { ctx, api, admin, john, jane, movieId } = {} as BookingWorld; // assigned in beforeAll
  let fake: FakeStripe;
  let browser: Browser;
  const tabs: StripeTab[] = [];

  /** A customer's tab whose page reaches "Stripe" only through the stand-in and the fake. */
  const tab = async (user: { access: string; refresh: string }, { stripeJs = true } = {}): Promise<StripeTab> => {
    const opened: StripeTab = { ...(await openTab(browser, ctx.url)), scripts: [], assets: [] };
    await signInTab(opened, user);
    opened.page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === ctx.url && url.pathname.startsWith('/assets/')) opened.assets.push(url.pathname);
    });
    await opened.context.route('https://js.stripe.com/**', (route) => {
      opened.scripts.push(route.request().url());
      return stripeJs ? route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: STAND_IN }) : route.abort('internetdisconnected');
    });
    // Stripe.js's calls, sent on as they are (method, headers, form body) to the fake, whose answer (CORS headers included) goes back.
    await opened.context.route('https://api.stripe.com/**', async (route) => {
      const url = new URL(route.request().url());
      await route.fulfill({ response: await route.fetch({ url: `${fake.url}${url.pathname}${url.search}` }) });
    });
    tabs.push(opened);
    return opened;
  };

  const pricedShow = async (price: number, totalSeats = 40, daysAhead = 2) =>
    (
      await api
        .createShow(admin, movieId, { screen_name: `Screen ${unique()}`, date_time: startAt(daysAhead, 19), total_seats: totalSeats, price, currency: 'EUR' })
        .expect(201)
    ).body as { id: number; screen_name: string };

  /** On the show's page: picks `seats`, holds them and checks out; resolves on the payment page with the order's id. */
  const holdAndCheckOut = async (page: Page, showId: number, seats: string[], total: string) => {
    await page.goto(`/shows/${showId}`);
    await page.getByText('Live: seats change here').waitFor();
    for (const seat of seats) await page.getByRole('button', { name: `${seat}, available` }).click();
    await page.getByRole('button', { name: `Hold ${seats.length} seat${seats.length === 1 ? '' : 's'}` }).click();
    await page.getByRole('button', { name: `Check out and pay ${total}` }).click();
    await page.waitForURL(/\/orders\/\d+\/pay$/);
    await page.getByRole('heading', { name: 'Pay for your seats' }).waitFor();
    return Number(/\/orders\/(\d+)\/pay$/.exec(page.url())![1]);
  };

  /** The PaymentIntent checkout made for the order, as the fake holds it. */
  const intentOf = async (orderId: number) => {
    const { rows } = await ctx.db.pool.query<{ payment_ref: string }>('SELECT payment_ref FROM orders WHERE id = $1', [orderId]);
    const intent = fake.paymentIntents.get(rows[0]?.payment_ref);
    if (!intent) throw new Error(`order ${orderId} has no PaymentIntent in the fake`);
    return intent;
  };
  /** Stripe tells the service: a signed event, posted as Stripe posts it. */
  const deliver = (type: string, object: object) => {
    const event = signedEvent(type, object, WEBHOOK_SECRET);
    return ctx
      .http()
      .post('/payments/stripe/webhook')
      .set('content-type', 'application/json; charset=utf-8')
      .set('stripe-signature', event.signature)
      .send(event.body)
      .expect(200);
  };
  const orderOf = async (user: { access: string }, orderId: number) => (await api.order(user, orderId).expect(200)).body as Order;
  const standInLog = (page: Page) => page.evaluate(() => (window as unknown as { __stripeStandIn: StandInLog }).__stripeStandIn);
  const payButton = (page: Page, amount: string) => page.locator('form.pay-form').getByRole('button', { name: `Pay ${amount}` });

  beforeAll(async () => {
    fake = await FakeStripe.start(SECRET_KEY, PUBLISHABLE_KEY);
    const env = {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      STRIPE_API_URL: fake.url,
      PAYMENT_WINDOW_SECONDS: String(PAYMENT_WINDOW_SECONDS),
      JOBS_POLL_SECONDS: '0.5',
      JOB_RETRY_DELAY_SECONDS: '1',
    };
    ({ ctx, api, admin, john, jane, movieId } = await bookingWorld({ clock, env }));
    browser = await launchBrowser();
  });
  beforeEach(() => {
    clock.ahead = 0;
  });
  afterEach(() => closeTabs(tabs));
  afterAll(async () => {
    await browser?.close();
    await ctx?.teardown();
    await fake?.stop();
  });

  it('is served with a content security policy that lets Stripe.js load, draw its fields and call its API', async () => {
    // Stripe's CSP guide: script-src and frame-src js.stripe.com (and its subdomains), frame-src hooks.stripe.com, connect-src api.stripe.com.
    const csp = (await request(ctx.url).get('/').set('accept', 'text/html').expect(200)).headers['content-security-policy'] ?? '';
    const directive = (name: string) => (csp.split(';').map((part) => part.trim().split(/\s+/)).find(([key]) => key === name) ?? []).slice(1);
    expect(directive('script-src')).toEqual(expect.arrayContaining(["'self'", 'https://js.stripe.com']));
    expect(directive('frame-src')).toEqual(expect.arrayContaining(['https://js.stripe.com', 'https://hooks.stripe.com']));
    expect(directive('connect-src')).toEqual(expect.arrayContaining(["'self'", 'https://api.stripe.com']));
  });

  it("loads Stripe.js with the order's key, mounts the Payment Element with its client secret, shows a decline in Stripe's words, and pays on the retry once Stripe's webhook arrives", async () => {
    const show = await pricedShow(1250);
    const { page, scripts, assets } = await tab(john);
    const orderId = await holdAndCheckOut(page, show.id, ['Row A seat 5', 'Row A seat 6'], '€25.00');

    // Stripe's own element, in the payment form: no demo card field, no demo hint.
    const card = page.locator('form.pay-form .StripeElement').getByLabel('Card number');
    await card.waitFor();
    expect(await page.getByText(/Demo payments/).count()).toBe(0);
    const intent = await intentOf(orderId);
    expect(intent).toMatchObject({ amount: 2500, currency: 'eur', metadata: { order_id: String(orderId) } });
    // Stripe.js from js.stripe.com (the release @stripe/stripe-js asks for), once; with the order's publishable key,
    // and the element made and mounted with the order's client secret.
    expect(scripts).toEqual([expect.stringMatching(/^https:\/\/js\.stripe\.com\/[a-z0-9]+\/stripe\.js$/)]);
    const loaded = await standInLog(page);
    expect(loaded.keys).toEqual([PUBLISHABLE_KEY]);
    expect(loaded.elements).toEqual([{ clientSecret: intent.client_secret }]);
    expect(loaded.mounts).toEqual([{ clientSecret: intent.client_secret }]);
    // The Stripe code of the app is a chunk of its own, fetched for this page.
    expect(assets.filter((path) => /^\/assets\/StripePayment-[\w-]+\.js$/.test(path))).toHaveLength(1);
    expect((await orderOf(john, orderId)).status).toBe('pending');
    await expectAccessible(page, 'the Stripe payment page');

    // Declined: Stripe's message at once, and the element stays for another try.
    await card.fill(STRIPE_TEST_CARDS.declines);
    await payButton(page, '€25.00').click();
    await page.getByRole('alert').filter({ hasText: 'Payment declined: Your card was declined. Try again, or use another card.' }).waitFor();
    expect(fake.paymentIntents.get(intent.id)).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined' } });
    // Stripe tells the service too: the order failed, and may be paid again while its hold lasts.
    await deliver('payment_intent.payment_failed', fake.paymentIntents.get(intent.id)!);
    expect((await orderOf(john, orderId)).status).toBe('failed');
    await expectAccessible(page, 'the Stripe payment page, declined');

    // The retry: checked out again (pending again), then the same PaymentIntent takes the other card.
    await card.fill(STRIPE_TEST_CARDS.pays);
    await payButton(page, '€25.00').click();
    await page.getByRole('heading', { name: 'Confirming your payment' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Your card was accepted. Waiting for the payment of €25.00 to reach the box office' }).waitFor();
    expect(fake.paymentIntents.get(intent.id)!.status).toBe('succeeded');
    expect((await orderOf(john, orderId)).status).toBe('pending');
    const returnUrl = `${ctx.url}/orders/${orderId}/pay`;
    expect((await standInLog(page)).confirmations).toEqual([
      { clientSecret: intent.client_secret, returnUrl, redirect: 'if_required', card: STRIPE_TEST_CARDS.declines.replace(/ /g, '') },
      { clientSecret: intent.client_secret, returnUrl, redirect: 'if_required', card: STRIPE_TEST_CARDS.pays.replace(/ /g, '') },
    ]);
    expect(fake.requestsTo('POST', `/v1/payment_intents/${intent.id}/confirm`).map((r) => r.body.key)).toEqual([PUBLISHABLE_KEY, PUBLISHABLE_KEY]);

    // Reloaded before Stripe's webhook (or back from a bank's page): Stripe shows the money taken, so the page waits, and offers no card form.
    await page.reload();
    await page.getByRole('heading', { name: 'Confirming your payment' }).waitFor();
    expect(await page.getByLabel('Card number').count()).toBe(0);

    // Stripe's webhook: the order is paid, and the page shows it with its tickets without being asked.
    await deliver('payment_intent.succeeded', fake.paymentIntents.get(intent.id)!);
    await page.getByRole('heading', { name: 'Payment received' }).waitFor();
    await page.getByText(/^Paid €25\.00 on .*: A5 and A6 are yours\. Enjoy the show!$/).waitFor();
    await page.getByRole('link', { name: 'Ticket for seat A5' }).waitFor();
    await page.getByRole('link', { name: 'Ticket for seat A6' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect((await orderOf(john, orderId)).status).toBe('paid');
    const booked = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { seat_number: number; order_id: number; status: string }[];
    expect(booked.map((b) => [b.seat_number, b.order_id, b.status]).sort()).toEqual([
      [5, orderId, 'booked'],
      [6, orderId, 'booked'],
    ]);
    await expectAccessible(page, 'the Stripe payment page, paid');
  }, 120_000);

  it('money Stripe took after the seats were gone is refunded, and the page says so', async () => {
    const show = await pricedShow(1000, 40, 3);
    const { page } = await tab(jane);
    const orderId = await holdAndCheckOut(page, show.id, ['Row A seat 1', 'Row A seat 2'], '€20.00');
    const card = page.getByLabel('Card number');
    await card.waitFor();

    // The time to pay runs out (the service's clock, not the page's), and the box office sells the seats.
    clock.ahead = (PAYMENT_WINDOW_SECONDS + 60) * 1000;
    await api.book(admin, show.id, [1, 2]).expect(201);

    await card.fill(STRIPE_TEST_CARDS.pays);
    await payButton(page, '€20.00').click();
    await page.getByRole('heading', { name: 'Confirming your payment' }).waitFor();
    const intent = await intentOf(orderId);
    await deliver('payment_intent.succeeded', fake.paymentIntents.get(intent.id)!);
    await page.getByRole('heading', { name: 'Your seats were gone' }).waitFor();
    await page.getByRole('alert').filter({ hasText: /seats were gone.*€20\.00 you paid is refunded in full/ }).waitFor();
    expect(await orderOf(jane, orderId)).toMatchObject({ status: 'refunded', refund_reason: 'SEATS_GONE', refunded_amount: 2000 });
    // The refund itself goes to Stripe from the job queue, once.
    await waitFor('the refund sent to Stripe', () => fake.requestsTo('POST', '/v1/refunds').some((r) => r.body.payment_intent === intent.id));
    expect(fake.requestsTo('POST', '/v1/refunds').filter((r) => r.body.payment_intent === intent.id)).toHaveLength(1);
  });

  it('says so when Stripe.js cannot be loaded, and charges nothing', async () => {
    const show = await pricedShow(800, 40, 4);
    const customer = await tab(john, { stripeJs: false });
    const { page } = customer;
    const orderId = await holdAndCheckOut(page, show.id, ['Row B seat 3'], '€8.00');
    await page
      .getByRole('alert')
      .filter({ hasText: 'The card form could not be loaded from Stripe, and nothing was charged. Check your connection, then reload the page.' })
      .waitFor();
    expect(await page.getByRole('button', { name: /^Pay / }).count()).toBe(0);
    expect((await orderOf(john, orderId)).status).toBe('pending');
    // The browser reports the script it could not fetch (loadStripe tries twice): expected here, and nothing else.
    const failed = customer.errors.splice(0);
    expect(failed.length).toBeGreaterThan(0);
    for (const error of failed) expect(error).toMatch(/^console: Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/);
  });
});
