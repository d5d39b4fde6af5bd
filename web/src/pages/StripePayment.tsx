// Types only from the main entry, whose import would add Stripe.js at once: erased from the build.
import type { PaymentIntent, Stripe, StripeElements, StripeError, StripePaymentElement } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, call, type Order } from '../api/client';
import { navigate } from '../router';
import { toProblem } from '../ui/async';
import { once } from './Checkout';

/**
 * Stripe's Payment Element (PAYMENT_PROVIDER=stripe). Loaded on demand by the
 * payment page, with Stripe's loader (`@stripe/stripe-js/pure`, which adds
 * Stripe.js from js.stripe.com only when loadStripe is called): the demo path
 * never downloads either.
 */

export interface StripePaymentProps {
  order: Order;
  /** The amount, as the page shows it. */
  amount: string;
  /** The order as checkout answers it again: pending, with its PaymentIntent's client secret. */
  onCheckout: (order: Order) => void;
  /** Stripe took the payment (or it is on its way): the order is paid when the service hears it from Stripe. */
  onTaken: () => void;
}

/** A PaymentIntent in these states has the customer's money, or will have it without the customer: nothing more to pay here. */
const TAKEN = new Set<PaymentIntent['status']>(['succeeded', 'processing', 'requires_capture']);

/** Where Stripe sends the customer back after a payment method that leaves the page (a bank's own page): this order's page. */
const returnUrl = (orderId: number) => new URL(`/orders/${orderId}/pay`, location.origin).href;

/**
 * The order's payment, from checkout: the client secret is in checkout's
 * answer only (GET /orders/{id}/ does not carry it), and checking out again
 * returns the hold's live order, pending again after a declined card, or
 * refuses when its hold is gone. The same PaymentIntent every time.
 */
async function checkOutAgain(order: Order): Promise<Order> {
  if (order.hold_id === null) throw new Error('an order without a hold is not paid here');
  const { data } = await once((key) => call(api.POST('/holds/{id}/checkout', { params: { path: { id: order.hold_id! }, header: { 'Idempotency-Key': key } } })));
  return data;
}

/** Stripe's own words for a refused payment; a refused card says so and invites another try. */
function describe(error: StripeError): string {
  const message = error.message ?? 'The payment did not go through, and nothing was charged.';
  if (error.type === 'card_error') return `Payment declined: ${message} Try again, or use another card.`;
  return message;
}

interface Mounted {
  stripe: Stripe;
  elements: StripeElements;
  element: StripePaymentElement;
}

export function StripePayment({ order, amount, onCheckout, onTaken }: StripePaymentProps) {
  const slot = useRef<HTMLDivElement>(null);
  const mounted = useRef<Mounted | null>(null);
  const [stage, setStage] = useState<'loading' | 'ready' | 'unavailable'>('loading');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Back from a payment method that left the page: how it went, in Stripe's words (`succeeded`, `failed`…), read once. */
  const [returned] = useState(() => new URLSearchParams(location.search).get('redirect_status'));
  /** After a refused attempt, the order is checked out again before the next one (pending again, its hold still there). */
  const again = useRef(false);
  const latest = useRef({ onCheckout, onTaken });
  latest.current = { onCheckout, onTaken };

  useEffect(() => {
    let gone = false;
    let element: StripePaymentElement | null = null;
    // Stripe's query has done its part (the PaymentIntent itself is asked below): the address is the order's page again.
    if (new URLSearchParams(location.search).has('redirect_status')) navigate(location.pathname, { replace: true });
    (async () => {
      const checkedOut = await checkOutAgain(order);
      if (gone) return;
      if (checkedOut.id !== order.id) return navigate(`/orders/${checkedOut.id}/pay`, { replace: true });
      latest.current.onCheckout(checkedOut);
      const { client_secret: clientSecret, publishable_key: publishableKey } = checkedOut.payment;
      if (checkedOut.payment.provider !== 'stripe' || !clientSecret || !publishableKey) throw new Error('checkout did not answer a Stripe payment');
      const stripe = await loadStripe(publishableKey);
      if (gone) return;
      if (!stripe) throw new Error('Stripe.js is not available');
      // Paid already (in another tab, or before a reload, or by the bank page we come back from): wait for the order instead.
      const current = await stripe.retrievePaymentIntent(clientSecret);
      if (gone) return;
      if (current.paymentIntent && TAKEN.has(current.paymentIntent.status)) return latest.current.onTaken();
      if (returned === 'failed' && current.paymentIntent?.last_payment_error) setProblem(describe(current.paymentIntent.last_payment_error));
      const elements = stripe.elements({ clientSecret });
      element = elements.create('payment');
      element.mount(slot.current!);
      mounted.current = { stripe, elements, element };
      setStage('ready');
    })().catch((error: unknown) => {
      if (gone) return;
      setStage('unavailable');
      // A refusal of the API (the hold is gone, say) in its words; Stripe.js that did not load, in ours.
      const refused = toProblem(error);
      setProblem(
        refused.code === 'CLIENT_ERROR'
          ? 'The card form could not be loaded from Stripe, and nothing was charged. Check your connection, then reload the page.'
          : refused.message,
      );
    });
    return () => {
      gone = true;
      mounted.current = null;
      element?.destroy();
    };
    // The order's id decides the payment; its status changes as checkout answers, which must not start this again.
  }, [order.id]);

  const pay = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const ready = mounted.current;
    if (!ready || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      if (again.current) latest.current.onCheckout(await checkOutAgain(order));
      const result = await ready.stripe.confirmPayment({ elements: ready.elements, redirect: 'if_required', confirmParams: { return_url: returnUrl(order.id) } });
      if (result.error) {
        // Paid meanwhile (another tab): Stripe refuses a second confirmation, and the order is on its way.
        if (result.error.payment_intent && TAKEN.has(result.error.payment_intent.status)) return latest.current.onTaken();
        again.current = true;
        // Shown as an alert, which is read out at once; the element stays for another try.
        setProblem(describe(result.error));
        ready.element.focus();
      } else if (TAKEN.has(result.paymentIntent.status)) {
        latest.current.onTaken();
      } else {
        again.current = true;
        setProblem('The payment was not completed, and nothing was charged. Try again, or use another card.');
      }
    } catch (error) {
      again.current = true;
      setProblem(toProblem(error).code === 'CLIENT_ERROR' ? 'Stripe could not be reached, and nothing was charged. Try again.' : toProblem(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="pay-form" onSubmit={(event) => void pay(event)} aria-labelledby="pay-title" aria-busy={stage === 'loading'} noValidate>
      <h2 id="pay-title">Card</h2>
      {stage === 'loading' && <p className="muted">Loading Stripe’s card form…</p>}
      <div ref={slot} className="stripe-element" />
      {stage !== 'unavailable' && <p className="hint">Your card details go to Stripe, who takes the payment; the box office never sees them.</p>}
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      {stage !== 'unavailable' && (
        <button type="submit" className="button" disabled={busy || stage !== 'ready'}>
          {busy ? 'Paying…' : `Pay ${amount}`}
        </button>
      )}
    </form>
  );
}
