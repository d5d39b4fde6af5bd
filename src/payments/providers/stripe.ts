import { Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { CommonError } from '../../common/errors/app-error';
import type { StripeSettings } from '../../config/app-config';
import { PaymentError } from '../payments.errors';
import {
  CreatedPayment,
  DemoChargeResult,
  PaymentEvent,
  PaymentOrder,
  PaymentProvider,
  PaymentState,
  RefundRequest,
  RefundResult,
} from '../payment-provider';

type StripeSdk = typeof Stripe;

/**
 * One try's limit. The SDK retries a connection error, a 409 and a 5xx twice with backoff (0.5 s, then
 * 1 s, jittered) under the same idempotency key, so a checkout that finds Stripe down answers within
 * 3 × 8 s + 2 s, inside REQUEST_TIMEOUT_SECONDS' default 30 s.
 */
const TRY_TIMEOUT_MS = 8_000;
const NETWORK_RETRIES = 2;

const PAYMENT_STATUS: Record<Stripe.PaymentIntent.Status, PaymentState['status']> = {
  succeeded: 'succeeded',
  processing: 'processing',
  // Authorised, not yet captured: this service captures automatically, so it is on its way.
  requires_capture: 'processing',
  requires_payment_method: 'requires_payment',
  requires_confirmation: 'requires_payment',
  requires_action: 'requires_payment',
  canceled: 'canceled',
};

const REFUND_STATUS: Record<string, RefundResult['status']> = {
  succeeded: 'succeeded',
  pending: 'pending',
  requires_action: 'pending',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * PAYMENT_PROVIDER=stripe: a PaymentIntent per order, keyed `<STRIPE_IDEMPOTENCY_PREFIX>:order:<id>`.
 * The SDK (about 150 ms of require) is loaded at the first call, off the start-up path, and only here.
 */
export class StripePaymentProvider extends PaymentProvider {
  readonly name = 'stripe' as const;
  private loaded?: Promise<{ sdk: StripeSdk; stripe: Stripe }>;

  constructor(
    private readonly settings: StripeSettings,
    private readonly logger = new Logger('Payments'),
  ) {
    super();
  }

  /** The idempotency key of an order's PaymentIntent. */
  orderKey(orderId: number): string {
    return `${this.settings.idempotencyPrefix}:order:${orderId}`;
  }

  async createPayment(order: PaymentOrder): Promise<CreatedPayment> {
    const { stripe } = await this.sdk();
    const intent = await this.call('create a payment', () =>
      order.reference
        ? stripe.paymentIntents.retrieve(order.reference)
        : stripe.paymentIntents.create(
            {
              amount: order.amount,
              currency: order.currency.toLowerCase(),
              description: order.description,
              // The deployment too: a webhook endpoint hears of every PaymentIntent of the account, and another
              // deployment's order ids are not ours (see retrieve's orderId).
              metadata: { order_id: String(order.id), deployment: this.settings.idempotencyPrefix },
            },
            { idempotencyKey: this.orderKey(order.id) },
          ),
    );
    return { reference: intent.id, client: { client_secret: intent.client_secret, publishable_key: this.settings.publishableKey } };
  }

  async retrieve(reference: string): Promise<PaymentState> {
    const { stripe } = await this.sdk();
    const intent = await this.call('read a payment', () => stripe.paymentIntents.retrieve(reference));
    const ours = intent.metadata?.deployment === this.settings.idempotencyPrefix && /^[1-9][0-9]{0,9}$/.test(intent.metadata?.order_id ?? '');
    return {
      status: PAYMENT_STATUS[intent.status],
      amount: intent.amount,
      currency: intent.currency.toUpperCase(),
      orderId: ours ? Number(intent.metadata.order_id) : null,
    };
  }

  async refund({ reference, amount, key }: RefundRequest): Promise<RefundResult> {
    const { sdk, stripe } = await this.sdk();
    try {
      const refund = await stripe.refunds.create({ payment_intent: reference, amount }, { idempotencyKey: `${this.settings.idempotencyPrefix}:${key}` });
      return refundResult(refund);
    } catch (error) {
      // Stripe answered that this refund cannot be made (already refunded, more than is left, no charge):
      // the same request gets the same answer, so it is a result, not an error to retry.
      if (error instanceof sdk.errors.StripeError && isRefusal(error)) return { reference: null, status: 'failed', reason: error.code ?? error.message };
      throw this.mapped(sdk, error, 'refund a payment');
    }
  }

  async retrieveRefund(reference: string): Promise<RefundResult> {
    const { stripe } = await this.sdk();
    return refundResult(await this.call('read a refund', () => stripe.refunds.retrieve(reference)));
  }

  async parseEvent(rawBody: Buffer, signature: string | undefined): Promise<PaymentEvent> {
    // A parsed body cannot be verified: the route must hand over the bytes that were signed.
    if (!Buffer.isBuffer(rawBody)) throw new TypeError('parseEvent needs the raw request body as a Buffer');
    if (!signature) throw PaymentError.invalidSignature('no Stripe-Signature header');
    const { sdk } = await this.sdk();
    let event: Stripe.Event;
    try {
      // The SDK's tolerance (5 min) is measured on the wall clock: it guards the transport against replays,
      // it is no business rule, so the injected Clock does not move it.
      event = sdk.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret);
    } catch (error) {
      const reason = error instanceof sdk.errors.StripeSignatureVerificationError ? error.message.split('.')[0] : 'the body is not an event';
      throw PaymentError.invalidSignature(reason.replace(/^\w/, (first) => first.toLowerCase()));
    }
    const object = event.data.object as { object?: string; id?: string; payment_intent?: string | { id: string } | null };
    const intent = object.payment_intent;
    return {
      id: event.id,
      type: event.type,
      reference: object.object === 'payment_intent' ? (object.id ?? null) : typeof intent === 'string' ? intent : (intent?.id ?? null),
      refund: object.object === 'refund' ? (object.id ?? null) : null,
    };
  }

  demoCharge(_cardNumber: string): DemoChargeResult {
    throw new CommonError('NOT_FOUND', 'Demo payments are off: this box office takes payments through Stripe.');
  }

  private sdk(): Promise<{ sdk: StripeSdk; stripe: Stripe }> {
    this.loaded ??= import('stripe').then(({ default: sdk }) => {
      const { secretKey, api } = this.settings;
      return { sdk, stripe: new sdk(secretKey, { maxNetworkRetries: NETWORK_RETRIES, timeout: TRY_TIMEOUT_MS, ...api }) };
    });
    return this.loaded;
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.mapped((await this.sdk()).sdk, error, what);
    }
  }

  /** Stripe out of reach (network, timeout, 5xx, 429, a 409 on a key in use) is transient; any other answer is a refusal. */
  private mapped(sdk: StripeSdk, error: unknown, what: string): unknown {
    if (!(error instanceof sdk.errors.StripeError)) return error;
    const status = error.statusCode;
    if (status === undefined || status >= 500 || status === 429 || status === 409) {
      return PaymentError.fromProvider('PAYMENT_PROVIDER_UNAVAILABLE', error);
    }
    this.logger.warn(`Stripe refused to ${what}: ${status} ${error.rawType ?? error.type} ${error.code ?? ''} ${error.message} (request ${error.requestId ?? 'unknown'})`);
    return PaymentError.fromProvider('PAYMENT_PROVIDER_ERROR', error);
  }
}

/** A definitive refusal: Stripe understood the request and says no (400, 402, 404), and a retry would hear the same. */
function isRefusal(error: Stripe.errors.StripeError): boolean {
  const status = error.statusCode ?? 0;
  return (error.rawType === 'invalid_request_error' || error.rawType === 'card_error') && [400, 402, 404].includes(status) && error.code !== 'lock_timeout';
}

function refundResult(refund: Stripe.Refund): RefundResult {
  const status = REFUND_STATUS[refund.status ?? ''] ?? 'pending';
  return status === 'failed' ? { reference: refund.id, status, reason: refund.failure_reason ?? refund.status ?? 'failed' } : { reference: refund.id, status };
}
