import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { FakeStripe, signedEvent } from '../support/fake-stripe';
import { ServiceProcess, spawnService, untilHealthy } from '../support/service-process';
import { isBlockingSomeone, waitFor } from '../support/wait';

const SECRET_KEY = 'sk_test_fake_crash_0123';
const WEBHOOK_SECRET = 'whsec_fake_crash_0123';
const ADMIN = { username: 'crash_admin', password: 'crash-admin-password-1' };

/**
 * The settlement of a payment is one transaction: the event's record, the
 * order paid and its bookings commit together or not at all. The service is
 * killed with SIGKILL while the settlement waits inside its transaction (the
 * test holds the show's row lock, which the booking statement needs); then
 * nothing of it is there, and Stripe's redelivery settles it once.
 */
describe('kill -9 in the middle of settling a Stripe payment (e2e, real processes)', () => {
  let db: TestDatabase;
  let fake: FakeStripe;
  let mailDir: string;
  let service: ServiceProcess | undefined;
  const env = () => ({
    DATABASE_URL: db.url,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    MAIL_DIR: mailDir,
    JOBS_POLL_SECONDS: '0.5',
    PAYMENT_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_PUBLISHABLE_KEY: 'pk_test_fake_crash_0123',
    STRIPE_API_URL: fake.url,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await FakeStripe.start(SECRET_KEY);
    mailDir = await mkdtemp(join(tmpdir(), 'stripe-crash-mail-'));
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await db?.drop();
    await fake?.stop();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
  });

  /** One JSON request to the running service. */
  async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${service!.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  }
  async function ok(method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
    const res = await call(method, path, body, token);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const deliver = (event: { body: string; signature: string }) =>
    fetch(`${service!.url}/payments/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': event.signature }, body: event.body });
  const state = async (orderId: number) => ({
    order: (await db.pool.query(`SELECT status FROM orders WHERE id = $1`, [orderId])).rows[0].status,
    bookings: (await db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE order_id = $1 AND status = 'booked'`, [orderId])).rows[0].n,
    events: (await db.pool.query(`SELECT count(*)::int AS n FROM payment_events`)).rows[0].n,
  });
  /** Whether some transaction holds the order's row lock (asked without waiting). */
  const orderLocked = async (orderId: number) =>
    db.pool.query(`SELECT id FROM orders WHERE id = $1 FOR UPDATE NOWAIT`, [orderId]).then(
      () => false,
      (error: { code?: string }) => {
        if (error.code === '55P03') return true;
        throw error;
      },
    );

  it('the settlement killed half-way left nothing; the redelivered event then pays the order and books its seats, once', async () => {
    service = await untilHealthy(await spawnService(env()), 90_000);
    const admin = (await ok('POST', '/login/', ADMIN)).access as string;
    const movie = await ok('POST', '/movies/', { title: 'Crash Course', duration_minutes: 90 }, admin);
    const show = await ok(
      'POST',
      `/movies/${movie.id}/shows/`,
      { screen_name: 'Screen crash', date_time: new Date(Date.now() + 3 * 86400_000).toISOString(), total_seats: 10, price: 900, currency: 'EUR' },
      admin,
    );
    await ok('POST', '/signup/', { username: 'crash_buyer', email: 'crash_buyer@example.com', password: 'crash-buyer-password-1' });
    const buyer = (await ok('POST', '/login/', { username: 'crash_buyer', password: 'crash-buyer-password-1' })).access as string;
    const hold = await ok('POST', `/shows/${show.id}/holds/`, { seat_numbers: [2, 3] }, buyer);
    const order = await ok('POST', `/holds/${hold.id}/checkout/`, undefined, buyer);
    const orderId = order.id as number;
    const { payment_ref } = (await db.pool.query(`SELECT payment_ref FROM orders WHERE id = $1`, [orderId])).rows[0];
    const event = signedEvent('payment_intent.succeeded', fake.succeed(payment_ref), WEBHOOK_SECRET);

    // The show's row, locked by the test: the settlement gets past the order's lock and the event's record, then waits.
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT id FROM shows WHERE id = $1 FOR UPDATE`, [show.id]);
      const pid = (await blocker.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid as number;
      const inFlight = deliver(event).catch((error: unknown) => error);
      await waitFor('the settlement to wait for the show row', () => isBlockingSomeone(db.pool, pid), 15_000);
      expect(await orderLocked(orderId)).toBe(true);

      expect(await service.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      // The request died with the service: no answer at all (fetch's TypeError, of another realm than jest's Error).
      expect(await inFlight).toMatchObject({ message: 'fetch failed' });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // The dead service's transaction ends (rolled back: nobody can commit it) once its backend sees the connection gone.
    await waitFor("the killed service's transaction to end", async () => !(await orderLocked(orderId)), 15_000);
    expect(await state(orderId)).toEqual({ order: 'pending', bookings: 0, events: 0 });

    // Stripe delivers the event again.
    service = await untilHealthy(await spawnService(env()), 90_000);
    const redelivered = await deliver(event);
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ event_id: event.id, type: 'payment_intent.succeeded', duplicate: false });
    expect(await state(orderId)).toEqual({ order: 'paid', bookings: 2, events: 1 });
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: true });
    expect(await state(orderId)).toEqual({ order: 'paid', bookings: 2, events: 1 });
    // Two starts of the real service on a busy machine take most of it.
  }, 240_000);
});
