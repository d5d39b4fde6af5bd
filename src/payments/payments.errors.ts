import { errorsOf } from '../common/errors/app-error';

const PAYMENT_ERRORS = {
  INVALID_SIGNATURE: { status: 400, detail: 'The Stripe-Signature header is missing or does not match the body.' },
  PAYMENT_DECLINED: { status: 402, detail: 'The card was declined; nothing was charged.' },
  // The provider did not answer (network, timeout, its 5xx, its rate limit): the same call may succeed shortly.
  PAYMENT_PROVIDER_UNAVAILABLE: { status: 503, detail: 'The payment provider cannot be reached right now. Try again shortly.', transient: true },
  // The provider answered and refused (a bad key, an amount it does not take, an unknown payment): a retry gets the same.
  PAYMENT_PROVIDER_ERROR: { status: 502, detail: 'The payment provider refused the request.' },
  // A webhook's event came before what it is about can be settled (its order's checkout has not finished, the
  // provider does not show the payment as succeeded yet): nothing was recorded, and the provider sends it again.
  PAYMENT_NOT_READY: { status: 409, detail: 'This event cannot be settled yet; nothing was recorded. Deliver it again later.', transient: true },
};

export type PaymentErrorCode = keyof typeof PAYMENT_ERRORS;

export class PaymentError extends errorsOf(PAYMENT_ERRORS) {
  static invalidSignature(reason: string): PaymentError {
    return new PaymentError('INVALID_SIGNATURE', `The Stripe-Signature header does not verify: ${reason}.`);
  }

  /** Carries the provider's own error as `cause`, for the log; the answer says only the code's sentence. */
  static fromProvider(code: 'PAYMENT_PROVIDER_UNAVAILABLE' | 'PAYMENT_PROVIDER_ERROR', cause: unknown): PaymentError {
    const error = new PaymentError(code);
    error.cause = cause;
    return code === 'PAYMENT_PROVIDER_UNAVAILABLE' ? error.withHeaders({ 'Retry-After': '5' }) : error;
  }
}
