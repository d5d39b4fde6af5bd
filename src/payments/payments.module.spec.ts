import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import { paymentProviderFor } from './payments.module';
import { DemoPaymentProvider } from './providers/demo';
import { StripePaymentProvider } from './providers/stripe';

let mockStripeLoaded = false;
jest.mock('stripe', () => {
  mockStripeLoaded = true;
  return jest.requireActual('stripe');
});

const STRIPE = {
  PAYMENT_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_abc',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_abc',
};
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'k3T9x2Lq8Vw4Zr7Bn1Mc6Hs5Jd0Fg2Pa', SMTP_URL: 'smtp://mail.example:587' };

describe('paymentProviderFor', () => {
  const logger = () => ({ warn: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

  it('gives the demo provider by default, and never loads the Stripe SDK for it', async () => {
    const provider = paymentProviderFor(loadConfig({}), logger());
    expect(provider).toBeInstanceOf(DemoPaymentProvider);
    expect(provider.name).toBe('demo');
    await provider.createPayment({ id: 1, amount: 100, currency: 'EUR', description: 'x' });
    expect(mockStripeLoaded).toBe(false);
  });

  it('gives the Stripe provider, which loads the SDK at its first call, not before (start-up stays fast)', async () => {
    const provider = paymentProviderFor(loadConfig(STRIPE), logger());
    expect(provider).toBeInstanceOf(StripePaymentProvider);
    expect(provider.name).toBe('stripe');
    expect(mockStripeLoaded).toBe(false);
    await provider.parseEvent(Buffer.from('{}'), 't=1,v1=00').catch(() => undefined);
    expect(mockStripeLoaded).toBe(true);
  });

  it('warns in production with the demo provider (anyone could pay with a demo card), or with Stripe test keys', () => {
    const demo = logger();
    paymentProviderFor(loadConfig(PRODUCTION), demo);
    expect(demo.warn).toHaveBeenCalledWith(expect.stringContaining('PAYMENT_PROVIDER is demo in production'));

    const testKeys = logger();
    paymentProviderFor(loadConfig({ ...PRODUCTION, ...STRIPE }), testKeys);
    expect(testKeys.warn).toHaveBeenCalledWith(expect.stringContaining('test keys in production'));

    const live = logger();
    paymentProviderFor(loadConfig({ ...PRODUCTION, ...STRIPE, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' }), live);
    paymentProviderFor(loadConfig({}), live);
    expect(live.warn).not.toHaveBeenCalled();
  });
});
