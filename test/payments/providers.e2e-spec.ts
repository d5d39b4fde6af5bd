import { Logger } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config';
import { PaymentError } from '../../src/payments/payments.errors';
import { paymentProviderFor } from '../../src/payments/payments.module';
import { StripePaymentProvider } from '../../src/payments/providers/stripe';
import { FakeStripe, signedEvent } from '../support/fake-stripe';

const SECRET_KEY = 'sk_test_fake_0123456789';
const WEBHOOK_SECRET = 'whsec_fake_0123456789';
const PUBLISHABLE_KEY = 'pk_test_fake_0123456789';
const ORDER = { id: 7, amount: 1500, currency: 'EUR', description: 'Roxy Deluxe: Alien, 2 seats' };

/** The Stripe provider as the service makes it, pointed at `url`. */
function stripeProvider(url: string, env: Record<string, string> = {}) {
  const logger = { warn: jest.fn(), log: jest.fn() } as unknown as Logger;
  const config = loadConfig({
    NODE_ENV: 'test',
    CINEMA_NAME: 'Roxy Délúxe',
    PAYMENT_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    STRIPE_API_URL: url,
    ...env,
  });
  const provider = paymentProviderFor(config, logger);
  expect(provider).toBeInstanceOf(StripePaymentProvider);
  return { provider, logger };
}

/** What a rejected call threw, for toMatchObject. */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('payment providers: Stripe against a local fake of its API (e2e)', () => {
  let fake: FakeStripe;
  let provider: StripePaymentProvider;
  let logger: Logger;

  beforeAll(async () => {
    fake = await FakeStripe.start(SECRET_KEY);
    ({ provider, logger } = stripeProvider(fake.url) as { provider: StripePaymentProvider; logger: Logger });
  });

  afterAll(() => fake?.stop());

  beforeEach(() => {
    fake.requests.length = 0;
    fake.refundMode = 'ok';
  });

  /** An order's PaymentIntent, paid by the customer. */
  async function paidIntent(orderId: number, amount = 1500): Promise<string> {
    const { reference } = await provider.createPayment({ ...ORDER, id: orderId, amount });
    fake.succeed(reference);
    return reference;
  }

  describe('createPayment', () => {
    it('makes one PaymentIntent per order, however often it is called: the order id under the cinema prefix is the idempotency key', async () => {
      const first = await provider.createPayment(ORDER);
      const second = await provider.createPayment(ORDER);

      expect(first.reference).toMatch(/^pi_/);
      expect(second).toEqual(first);
      expect(first.client).toEqual({ client_secret: expect.stringMatching(new RegExp(`^${first.reference}_secret_`)), publishable_key: PUBLISHABLE_KEY });
      const creations = fake.requestsTo('POST', '/v1/payment_intents');
      expect(creations).toHaveLength(2);
      for (const request of creations) {
        expect(request.idempotencyKey).toBe('roxy-deluxe:order:7');
        expect(request.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
        expect(request.body).toEqual({ amount: '1500', currency: 'eur', description: ORDER.description, metadata: { order_id: '7', deployment: 'roxy-deluxe' } });
      }
      expect([...fake.paymentIntents.values()].filter((intent) => intent.metadata.order_id === '7')).toHaveLength(1);
    });

    it('honours STRIPE_IDEMPOTENCY_PREFIX', async () => {
      const { provider: other } = stripeProvider(fake.url, { STRIPE_IDEMPOTENCY_PREFIX: 'roxy-staging' });
      await other.createPayment({ ...ORDER, id: 8 });
      expect(fake.requestsTo('POST', '/v1/payment_intents').map((r) => r.idempotencyKey)).toEqual(['roxy-staging:order:8']);
    });

    it("re-reads the order's PaymentIntent when the order has one, and creates nothing", async () => {
      const created = await provider.createPayment({ ...ORDER, id: 9 });
      fake.requests.length = 0;
      expect(await provider.createPayment({ ...ORDER, id: 9, reference: created.reference })).toEqual(created);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/payment_intents/${created.reference}`]);
    });

    it('throws PAYMENT_PROVIDER_UNAVAILABLE (503, transient) after the SDK has retried a 500 twice under the same key; the next call creates it once', async () => {
      fake.failWith(500, { times: 3 });
      const error = await thrown(provider.createPayment({ ...ORDER, id: 10 }));
      expect(error).toBeInstanceOf(PaymentError);
      expect(error).toMatchObject({ status: 503, code: 'PAYMENT_PROVIDER_UNAVAILABLE', transient: true, headers: { 'Retry-After': '5' } });
      const tries = fake.requestsTo('POST', '/v1/payment_intents');
      expect(tries.map((r) => r.idempotencyKey)).toEqual(['roxy-deluxe:order:10', 'roxy-deluxe:order:10', 'roxy-deluxe:order:10']);

      const { reference } = await provider.createPayment({ ...ORDER, id: 10 });
      expect([...fake.paymentIntents.values()].filter((intent) => intent.metadata.order_id === '10').map((intent) => intent.id)).toEqual([reference]);
    });

    it('retries a 500 and succeeds when Stripe recovers within the retries', async () => {
      fake.failWith(500, { times: 1 });
      const { reference } = await provider.createPayment({ ...ORDER, id: 11 });
      expect(reference).toMatch(/^pi_/);
      expect(fake.requestsTo('POST', '/v1/payment_intents')).toHaveLength(2);
    });

    it('throws PAYMENT_PROVIDER_UNAVAILABLE when nothing answers at all', async () => {
      const gone = await FakeStripe.start();
      await gone.stop();
      const { provider: unreachable } = stripeProvider(gone.url);
      expect(await thrown(unreachable.createPayment(ORDER))).toMatchObject({ status: 503, code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    });

    it('throws PAYMENT_PROVIDER_ERROR (502) when Stripe refuses, and logs why', async () => {
      const { provider: wrongKey, logger: wrongKeyLogger } = stripeProvider(fake.url, { STRIPE_SECRET_KEY: 'sk_test_someone_else' });
      const error = await thrown(wrongKey.createPayment(ORDER));
      expect(error).toMatchObject({ status: 502, code: 'PAYMENT_PROVIDER_ERROR', transient: false });
      expect((error as Error).cause).toMatchObject({ statusCode: 401, rawType: 'authentication_error' });
      expect(wrongKeyLogger.warn).toHaveBeenCalledWith(expect.stringContaining('401 authentication_error'));
    });
  });

  describe('retrieve', () => {
    it('reads the PaymentIntent as Stripe holds it now', async () => {
      const { reference } = await provider.createPayment({ ...ORDER, id: 20 });
      expect(await provider.retrieve(reference)).toEqual({ status: 'requires_payment', amount: 1500, currency: 'EUR', orderId: 20 });
      fake.succeed(reference, 'processing');
      expect(await provider.retrieve(reference)).toMatchObject({ status: 'processing' });
      fake.succeed(reference);
      expect(await provider.retrieve(reference)).toEqual({ status: 'succeeded', amount: 1500, currency: 'EUR', orderId: 20 });
      fake.succeed(reference, 'canceled');
      expect(await provider.retrieve(reference)).toMatchObject({ status: 'canceled' });
    });

    it("names the order only for this deployment's payments: another deployment on the account has its own order ids", async () => {
      const { provider: staging } = stripeProvider(fake.url, { STRIPE_IDEMPOTENCY_PREFIX: 'roxy-staging' });
      const { reference } = await staging.createPayment({ ...ORDER, id: 21 });
      expect(await staging.retrieve(reference)).toMatchObject({ orderId: 21 });
      expect(await provider.retrieve(reference)).toMatchObject({ orderId: null });
    });

    it('throws PAYMENT_PROVIDER_ERROR for a payment Stripe does not know', async () => {
      expect(await thrown(provider.retrieve('pi_unknown'))).toMatchObject({ status: 502, code: 'PAYMENT_PROVIDER_ERROR' });
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('resource_missing'));
    });
  });

  describe('refund', () => {
    it('refunds part of a payment under the caller key (prefixed), once however often it is called', async () => {
      const reference = await paidIntent(30);
      const first = await provider.refund({ reference, amount: 500, key: 'refund:3' });
      const again = await provider.refund({ reference, amount: 500, key: 'refund:3' });

      expect(first).toEqual({ reference: expect.stringMatching(/^re_/), status: 'succeeded' });
      expect(again).toEqual(first);
      for (const request of fake.requestsTo('POST', '/v1/refunds')) {
        expect(request.idempotencyKey).toBe('roxy-deluxe:refund:3');
        expect(request.body).toEqual({ payment_intent: reference, amount: '500' });
      }
      expect([...fake.refunds.values()].filter((r) => r.payment_intent === reference).map((r) => r.amount)).toEqual([500]);

      // The rest, under another key.
      expect(await provider.refund({ reference, amount: 1000, key: 'refund:4' })).toMatchObject({ status: 'succeeded' });
      expect([...fake.refunds.values()].filter((r) => r.payment_intent === reference).map((r) => r.amount)).toEqual([500, 1000]);
    });

    it('answers failed, without throwing, when Stripe definitively refuses (400) or the refund fails', async () => {
      const reference = await paidIntent(31);
      fake.refundMode = 'refused';
      expect(await provider.refund({ reference, amount: 500, key: 'refund:31a' })).toEqual({ reference: null, status: 'failed', reason: 'charge_disputed' });
      fake.refundMode = 'failed';
      expect(await provider.refund({ reference, amount: 500, key: 'refund:31b' })).toEqual({
        reference: expect.stringMatching(/^re_/),
        status: 'failed',
        reason: 'expired_or_canceled_card',
      });
      fake.refundMode = 'ok';
      expect(await provider.refund({ reference, amount: 2000, key: 'refund:31c' })).toMatchObject({ status: 'failed', reason: 'amount_too_large' });
    });

    it('answers pending, and retrieveRefund follows it', async () => {
      const reference = await paidIntent(32);
      fake.refundMode = 'pending';
      const pending = await provider.refund({ reference, amount: 1500, key: 'refund:32' });
      expect(pending).toEqual({ reference: expect.stringMatching(/^re_/), status: 'pending' });
      fake.refunds.get(pending.reference as string)!.status = 'succeeded';
      expect(await provider.retrieveRefund(pending.reference as string)).toEqual({ reference: pending.reference, status: 'succeeded' });
    });

    it('throws on a 500 after the retries, all under the same key, so the job that called it tries again later; then refunds once', async () => {
      const reference = await paidIntent(33);
      fake.refundMode = 'server_error';
      expect(await thrown(provider.refund({ reference, amount: 1500, key: 'refund:33' }))).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
      expect(fake.requestsTo('POST', '/v1/refunds').map((r) => r.idempotencyKey)).toEqual(Array(3).fill('roxy-deluxe:refund:33'));

      fake.refundMode = 'ok';
      expect(await provider.refund({ reference, amount: 1500, key: 'refund:33' })).toMatchObject({ status: 'succeeded' });
      expect([...fake.refunds.values()].filter((r) => r.payment_intent === reference)).toHaveLength(1);
    });

    it('throws, never answers failed, when the key is wrong: a configuration to fix, not a refusal', async () => {
      const reference = await paidIntent(34);
      const { provider: wrongKey } = stripeProvider(fake.url, { STRIPE_SECRET_KEY: 'sk_test_someone_else' });
      expect(await thrown(wrongKey.refund({ reference, amount: 1500, key: 'refund:34' }))).toMatchObject({ code: 'PAYMENT_PROVIDER_ERROR' });
    });
  });

  describe('parseEvent', () => {
    const intent = { id: 'pi_123', object: 'payment_intent', status: 'succeeded', amount: 1500, currency: 'eur' };

    it('reads a correctly signed event: its id, type and the payment it is about', async () => {
      const event = signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET);
      expect(await provider.parseEvent(Buffer.from(event.body), event.signature)).toEqual({
        id: event.id,
        type: 'payment_intent.succeeded',
        reference: 'pi_123',
        refund: null,
      });
    });

    it('finds the payment of charge and refund events, and the refund of refund events', async () => {
      const charge = signedEvent('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: 'pi_123', amount_refunded: 500 }, WEBHOOK_SECRET);
      expect(await provider.parseEvent(Buffer.from(charge.body), charge.signature)).toMatchObject({ type: 'charge.refunded', reference: 'pi_123', refund: null });
      const refund = signedEvent('refund.updated', { id: 're_1', object: 'refund', payment_intent: 'pi_123', status: 'failed' }, WEBHOOK_SECRET);
      expect(await provider.parseEvent(Buffer.from(refund.body), refund.signature)).toMatchObject({ reference: 'pi_123', refund: 're_1' });
      const other = signedEvent('customer.created', { id: 'cus_1', object: 'customer' }, WEBHOOK_SECRET);
      expect(await provider.parseEvent(Buffer.from(other.body), other.signature)).toMatchObject({ reference: null, refund: null });
    });

    it.each([
      ['missing', (e: ReturnType<typeof signedEvent>) => ({ body: e.body, signature: undefined })],
      ['empty', (e: ReturnType<typeof signedEvent>) => ({ body: e.body, signature: '' })],
      ['malformed', (e: ReturnType<typeof signedEvent>) => ({ body: e.body, signature: 'not-a-signature' })],
      ['forged with another secret', () => signedEvent('payment_intent.succeeded', intent, 'whsec_someone_else')],
      ['for another body', (e: ReturnType<typeof signedEvent>) => ({ body: e.body.replace('1500', '1'), signature: e.signature })],
      ['too old (a replay)', () => signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET, { timestamp: Math.floor(Date.now() / 1000) - 600 })],
    ])('refuses a Stripe-Signature that is %s with 400 INVALID_SIGNATURE', async (_name, make) => {
      const { body, signature } = make(signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET));
      const error = await thrown(provider.parseEvent(Buffer.from(body), signature));
      expect(error).toBeInstanceOf(PaymentError);
      expect(error).toMatchObject({ status: 400, code: 'INVALID_SIGNATURE' });
    });

    it('needs the raw body: a parsed one is a programming error, not a bad signature', async () => {
      const event = signedEvent('payment_intent.succeeded', intent, WEBHOOK_SECRET);
      await expect(provider.parseEvent(JSON.parse(event.body) as Buffer, event.signature)).rejects.toThrow(TypeError);
    });
  });

  it('has no demo payments: demoCharge is 404 NOT_FOUND', () => {
    expect(thrownBy(() => provider.demoCharge('4242 4242 4242 4242'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
