export type PaymentProviderName = 'demo' | 'stripe';

/** What a provider is asked to charge: one order, in minor units of its currency. */
export interface PaymentOrder {
  id: number;
  /** Minor units (cents), a positive integer. */
  amount: number;
  /** ISO 4217, any case. */
  currency: string;
  /** What the customer's statement and the provider's dashboard show. */
  description: string;
  /** The reference a previous createPayment gave this order, if any: the provider re-reads it instead of creating. */
  reference?: string | null;
}

export interface CreatedPayment {
  /** What the order stores and events are matched by: a PaymentIntent id (`pi_…`), or `demo_<order id>`. */
  reference: string;
  /** What the API answers in `order.payment` besides `provider`: `{ pay_url }` (demo), `{ client_secret, publishable_key }` (stripe). */
  client: Record<string, unknown>;
}

/**
 * A payment as the provider sees it now (re-read, never inferred from the order of events).
 * `requires_payment`: nothing paid yet (no card, a declined card, an action the customer must take).
 */
export interface PaymentState {
  status: 'succeeded' | 'processing' | 'requires_payment' | 'canceled';
  /** Minor units and ISO 4217 (upper case) as the provider holds them; null where it keeps no record (demo). */
  amount: number | null;
  currency: string | null;
  /**
   * The order this deployment made the payment for, as the payment itself says (Stripe: `metadata.order_id`,
   * when `metadata.deployment` is this deployment's STRIPE_IDEMPOTENCY_PREFIX); null for a payment of another
   * deployment on the same account, or where the provider keeps no record (demo).
   */
  orderId?: number | null;
}

export interface RefundRequest {
  /** The payment's reference (what createPayment returned). */
  reference: string;
  /** Minor units; at most what is left of the payment. */
  amount: number;
  /** The caller's idempotency key for this one refund (`refund:<id>`): a retry with it never refunds twice. */
  key: string;
}

export interface RefundResult {
  /** The provider's refund (`re_…`); null when the provider refused before making one. */
  reference: string | null;
  /** `pending`: the provider will finish it later (re-read with retrieveRefund). `failed`: a definitive refusal. */
  status: 'succeeded' | 'pending' | 'failed';
  /** Why it failed, in the provider's words (`charge_already_refunded`, `expired_or_canceled_card`…). */
  reason?: string;
}

/** A verified webhook event. Events repeat and arrive out of order: record `id` once, then re-read `reference`. */
export interface PaymentEvent {
  /** The provider's event id (`evt_…`). */
  id: string;
  /** `payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded`, `refund.updated`… */
  type: string;
  /** The payment the event is about (a PaymentIntent id), or null when it names none. */
  reference: string | null;
  /** A refund event's refund (`re_…`), else null. */
  refund: string | null;
}

/** The demo provider's verdict on a card number; an invalid number is a validation error instead. */
export type DemoChargeResult = { status: 'succeeded' } | { status: 'declined'; reason: 'card_declined' };

/**
 * The payment provider, chosen by PAYMENT_PROVIDER (PaymentsModule provides this class as the token).
 * Call it outside any transaction. Every call may be repeated: creation is keyed by the order, refunds by
 * the caller's key. A provider that cannot be reached throws PaymentError PAYMENT_PROVIDER_UNAVAILABLE
 * (503, transient: retry, from a job where there is no customer waiting); one that answers with a refusal
 * throws PAYMENT_PROVIDER_ERROR (502), except a definitive refund refusal, which is a `failed` result.
 */
export abstract class PaymentProvider {
  abstract readonly name: PaymentProviderName;

  /** Sets up the order's payment; the same order gives the same reference, however often it is called. */
  abstract createPayment(order: PaymentOrder): Promise<CreatedPayment>;

  /** The payment as the provider holds it now. */
  abstract retrieve(reference: string): Promise<PaymentState>;

  /** Returns (part of) a payment; the same key gives the same refund, however often it is called. */
  abstract refund(payment: RefundRequest): Promise<RefundResult>;

  /** A refund as the provider holds it now (to follow a `pending` one). */
  abstract retrieveRefund(reference: string): Promise<RefundResult>;

  /**
   * Verifies a webhook's signature on its raw body and reads the event; throws PaymentError
   * INVALID_SIGNATURE (400) if it does not verify, CommonError NOT_FOUND (404) for a provider without webhooks.
   */
  abstract parseEvent(rawBody: Buffer, signature: string | undefined): Promise<PaymentEvent>;

  /**
   * The demo provider's card check (no network): `4242 4242 4242 4242` succeeds, `4000 0000 0000 0002` is
   * declined, anything else is a ValidationFailedError on `card_number`. CommonError NOT_FOUND (404) elsewhere.
   */
  abstract demoCharge(cardNumber: string): DemoChargeResult;
}
