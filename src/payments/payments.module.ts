import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PaymentProvider } from './payment-provider';
import { DemoPaymentProvider } from './providers/demo';
import { StripePaymentProvider } from './providers/stripe';

/** The provider PAYMENT_PROVIDER names; loadConfig has checked that Stripe's settings are there when it is `stripe`. */
export function paymentProviderFor(config: AppConfig, logger = new Logger('Payments')): PaymentProvider {
  const { provider, stripe } = config.payments;
  if (provider === 'stripe' && stripe) {
    if (config.nodeEnv === 'production' && stripe.secretKey.includes('_test_')) {
      logger.warn('Stripe runs with test keys in production: no real money is taken (cards such as 4242 4242 4242 4242 pay)');
    }
    return new StripePaymentProvider(stripe, logger);
  }
  if (config.nodeEnv === 'production') {
    logger.warn('PAYMENT_PROVIDER is demo in production: anyone can pay for tickets with the demo card 4242 4242 4242 4242. Set PAYMENT_PROVIDER=stripe to take money.');
  }
  return new DemoPaymentProvider();
}

/** Provides `PaymentProvider` (an abstract class, the injection token) by PAYMENT_PROVIDER. */
@Module({
  providers: [{ provide: PaymentProvider, inject: [APP_CONFIG], useFactory: (config: AppConfig) => paymentProviderFor(config) }],
  exports: [PaymentProvider],
})
export class PaymentsModule {}
