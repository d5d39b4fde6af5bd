import { type FormEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { api, type ApiProblem, call, type MyBooking, type Order, type Show } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath } from '../router';
import { joinLabels } from '../seats/plan';
import { announce } from '../ui/announce';
import { toProblem, useLoad } from '../ui/async';
import { formatDateTime, formatDay, formatMoney, formatTime, plural } from '../ui/format';
import { Field, PageTitle, Ready } from '../ui/parts';
import { Countdown, once, skewOf } from './Checkout';
import type { StripePaymentProps } from './StripePayment';

/** The demo provider's test cards (PAYMENT_PROVIDER=demo): no real card is ever charged. */
export const DEMO_CARDS = { pays: '4242 4242 4242 4242', declines: '4000 0000 0000 0002' };

async function loadOrder(id: number) {
  const { data: order, response } = await call(api.GET('/orders/{id}', { params: { path: { id } } }));
  const { data: show } = await call(api.GET('/shows/{id}', { params: { path: { id: order.show_id } } }));
  return { order, show, skew: skewOf(response) };
}

/**
 * An order's payment page (its pay_url with the demo provider): what is
 * bought and for how much, the time left to pay, and the card: a card number
 * with the demo provider, Stripe's Payment Element with Stripe. A declined
 * card is said at once and the form stays for another try; a paid order links
 * to its tickets; an order whose seats were gone by the time the money
 * arrived says so, and that the money is refunded.
 */
export function PaymentPage({ id }: { id: number }) {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const loaded = useLoad(() => loadOrder(id), `${id}:${state.status}`);
  if (state.status === 'signed-out') {
    return (
      <section className="narrow">
        <PageTitle title="Payment">Payment</PageTitle>
        <p>
          <Link to={loginPath()}>Log in</Link> to pay for your order.
        </p>
      </section>
    );
  }
  return (
    <Ready loaded={loaded} what="your order">
      {({ order, show, skew }) => <Payment key={order.id} first={order} show={show} skew={skew} />}
    </Ready>
  );
}

/** An order with nothing left to pay: paid (perhaps partly refunded since), or refunded. */
const SETTLED = new Set<Order['status']>(['paid', 'partially_refunded', 'refunded']);

function Payment({ first, show, skew }: { first: Order; show: Show; skew: number }) {
  const [order, setOrder] = useState(first);
  const [timeUp, setTimeUp] = useState(false);
  /** The provider took the money and the service has not heard yet (Stripe's webhook): the page waits for the order. */
  const [confirming, setConfirming] = useState(false);
  const amount = formatMoney(order.amount, order.currency);
  const seats = joinLabels(order.seat_labels);

  const settled = (data: Order) => {
    setOrder(data);
    if (data.status !== 'refunded') announce(`Paid ${amount}. Your tickets are ready.`);
    else announce(data.refund_reason === 'SEATS_GONE' ? `Your seats were gone: ${amount} is refunded.` : `Refunded: ${amount}.`);
  };

  if (order.status === 'paid' || order.status === 'partially_refunded') return <Paid order={order} show={show} seats={seats} />;
  if (order.status === 'refunded') return <Refunded order={order} show={show} seats={seats} />;
  // Money on its way wins over the countdown: a payment taken just before the time ran out still settles the order.
  if (confirming) return <Confirming order={order} show={show} seats={seats} onSettled={settled} onGiveUp={() => setConfirming(false)} />;
  const expired = order.status === 'expired' || timeUp;
  if (expired) {
    return (
      <section className="payment">
        <PageTitle title="Time to pay has run out">Time to pay has run out</PageTitle>
        <OrderFacts order={order} show={show} seats={seats} />
        <p className="problem" role="alert">
          This order was not paid in time, so nothing was charged and its seats are on sale again.
        </p>
        <p>
          <Link to={`/shows/${show.id}`} className="button">
            Choose seats again
          </Link>
        </p>
      </section>
    );
  }

  return (
    <section className="payment">
      <PageTitle title={`Pay for ${show.movie_title}`}>Pay for your seats</PageTitle>
      <OrderFacts order={order} show={show} seats={seats} />
      <Countdown expiresAt={order.expires_at} skew={skew} onExpired={() => setTimeUp(true)} verb="pay" />
      {order.payment.provider === 'stripe' ? (
        <StripeForm order={order} amount={amount} onCheckout={setOrder} onTaken={() => setConfirming(true)} />
      ) : (
        <DemoCardForm order={order} amount={amount} onOrder={setOrder} onSettled={settled} />
      )}
    </section>
  );
}

/** The demo provider's card number (PAYMENT_PROVIDER=demo): the service answers at once, paid or declined. */
function DemoCardForm({ order, amount, onOrder, onSettled }: { order: Order; amount: string; onOrder: (order: Order) => void; onSettled: (order: Order) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const cardRef = useRef<HTMLInputElement>(null);

  const pay = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const card = String(new FormData(event.currentTarget).get('card_number') ?? '')
      .replace(/[\s-]+/g, ' ')
      .trim();
    setBusy(true);
    setProblem(null);
    try {
      const { data } = await once((key) =>
        call(api.POST('/orders/{id}/demo-payment', { params: { path: { id: order.id }, header: { 'Idempotency-Key': key } }, body: { card_number: card } })),
      );
      onSettled(data);
    } catch (error) {
      const refused = toProblem(error);
      if (refused.code === 'ORDER_ALREADY_PAID' || refused.code === 'ORDER_REFUNDED') {
        // Settled meanwhile (another tab, a repeat): show it as it is.
        const { data } = await call(api.GET('/orders/{id}', { params: { path: { id: order.id } } })).catch(() => ({ data: order }));
        onOrder(data);
      } else {
        // Shown as an alert, which is read out at once; the form stays for another try.
        setProblem(refused);
        if (refused.code === 'PAYMENT_DECLINED') onOrder({ ...order, status: 'failed' });
        requestAnimationFrame(() => cardRef.current?.select());
      }
    } finally {
      setBusy(false);
    }
  };

  const fields = problem?.fieldErrors() ?? {};
  return (
    <form className="pay-form" onSubmit={(event) => void pay(event)} aria-labelledby="pay-title" noValidate>
      <h2 id="pay-title">Card</h2>
      <Field
        ref={cardRef}
        label="Card number"
        name="card_number"
        inputMode="numeric"
        autoComplete="cc-number"
        required
        error={fields.card_number}
        hint={`Demo payments: ${DEMO_CARDS.pays} pays, ${DEMO_CARDS.declines} is declined. No real card is charged.`}
      />
      {problem && !fields.card_number && (
        <p className="problem" role="alert">
          {problem.code === 'PAYMENT_DECLINED' ? `Payment declined: ${problem.message} Try again, or use another card.` : problem.message}
        </p>
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Paying…' : `Pay ${amount}`}
      </button>
    </form>
  );
}

/**
 * Stripe's Payment Element, from a chunk of its own (StripePayment.tsx and
 * Stripe's loader), fetched only when an order is paid through Stripe: the
 * demo path never downloads it.
 */
function StripeForm(props: StripePaymentProps) {
  const loaded = useLoad(() => import('./StripePayment'), 'stripe-payment');
  return (
    <Ready loaded={loaded} what="the card form">
      {({ StripePayment }) => <StripePayment {...props} />}
    </Ready>
  );
}

/** How often the page asks whether the order is paid while it waits: soon at first, then less often. */
const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 3000;
/** After this long without a word from the service, the page says the customer need not wait. */
const SLOW_MS = 20_000;

/**
 * Stripe took the payment; the order is paid when the service hears it from
 * Stripe (its webhook), usually within seconds. The page asks for the order
 * until it is settled: paid with its tickets, or refunded when its seats were
 * gone by then.
 */
function Confirming({
  order,
  show,
  seats,
  onSettled,
  onGiveUp,
}: {
  order: Order;
  show: Show;
  seats: string;
  onSettled: (order: Order) => void;
  onGiveUp: () => void;
}) {
  const [slow, setSlow] = useState(false);
  const latest = useRef(onSettled);
  latest.current = onSettled;
  useEffect(() => {
    let stopped = false;
    let delay = POLL_FIRST_MS;
    let timer: ReturnType<typeof setTimeout>;
    const ask = async () => {
      const data = await call(api.GET('/orders/{id}', { params: { path: { id: order.id } } })).then(
        ({ data }) => data,
        () => null, // Asked again shortly: a moment offline is no reason to stop waiting.
      );
      if (stopped) return;
      if (data && SETTLED.has(data.status)) return latest.current(data);
      timer = setTimeout(() => void ask(), delay);
      delay = Math.min(delay * 2, POLL_MAX_MS);
    };
    void ask();
    const slowTimer = setTimeout(() => setSlow(true), SLOW_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(slowTimer);
    };
  }, [order.id]);

  return (
    <section className="payment">
      <PageTitle title="Confirming your payment">Confirming your payment</PageTitle>
      <p className="muted" role="status" aria-busy="true">
        Your card was accepted. Waiting for the payment of {formatMoney(order.amount, order.currency)} to reach the box office, which then books {seats}…
      </p>
      {slow && (
        <p role="status">
          This is taking longer than usual. You may leave this page: the tickets also come by e-mail, and <Link to="/my-orders">My orders</Link> shows the
          order once it is paid.{' '}
          <button type="button" className="button small secondary" onClick={onGiveUp}>
            Back to the card form
          </button>
        </p>
      )}
      <OrderFacts order={order} show={show} seats={seats} />
    </section>
  );
}

/** What the order buys: the movie, when and where, the seats and the amount. */
function OrderFacts({ order, show, seats }: { order: Order; show: Show; seats: string }) {
  return (
    <dl className="order-facts">
      <dt>Movie</dt>
      <dd>{show.movie_title}</dd>
      <dt>Show</dt>
      <dd>
        {formatDay(show.date_time)} at {formatTime(show.date_time)} · {show.screen_name}
      </dd>
      <dt>Seats</dt>
      <dd>
        {seats} ({plural(order.seat_numbers.length, 'seat')})
      </dd>
      <dt>Amount</dt>
      <dd className="amount">{formatMoney(order.amount, order.currency)}</dd>
      <dt>Order</dt>
      <dd>No. {order.id}</dd>
    </dl>
  );
}

function Paid({ order, show, seats }: { order: Order; show: Show; seats: string }) {
  const loaded = useLoad(async () => {
    const { data } = await call(api.GET('/my-bookings', { params: { query: { show_id: order.show_id, limit: 200 } } }));
    return data.filter((booking) => booking.order_id === order.id).sort((a, b) => a.seat_number - b.seat_number);
  }, `${order.id}:${order.status}`);
  return (
    <section className="payment">
      <PageTitle title="Payment received">Payment received</PageTitle>
      <p className="success">
        Paid {formatMoney(order.amount, order.currency)}
        {order.paid_at ? ` on ${formatDateTime(order.paid_at)}` : ''}: {seats} {order.seat_numbers.length === 1 ? 'is' : 'are'} yours. Enjoy the show!
      </p>
      {order.status === 'partially_refunded' && <p>{formatMoney(order.refunded_amount, order.currency)} of it has been refunded.</p>}
      <OrderFacts order={order} show={show} seats={seats} />
      <h2>Your tickets</h2>
      <Ready loaded={loaded} what="your tickets">
        {(bookings: MyBooking[]) => (
          <ul className="ticket-links">
            {bookings.map((booking) => (
              <li key={booking.id}>
                <Link to={`/tickets/${booking.id}`} className={booking.status === 'cancelled' ? undefined : 'button secondary'}>
                  Ticket for seat {booking.seat_label}
                </Link>
                {booking.status === 'cancelled' && <span className="badge">Cancelled</span>}
              </li>
            ))}
          </ul>
        )}
      </Ready>
      <p>
        <Link to="/my-bookings">My bookings</Link> · <Link to="/my-orders">My orders</Link>
      </p>
    </section>
  );
}

const REFUNDED_BECAUSE: Record<NonNullable<Order['refund_reason']>, string> = {
  SEATS_GONE: 'by the time your payment arrived, the seats were gone (your hold had run out and someone else took them). Nothing was booked',
  SHOW_CANCELLED: 'the show was cancelled',
  CUSTOMER_CANCELLED: 'you cancelled the booking',
  ADMIN_CANCELLED: 'the box office cancelled the booking',
};

function Refunded({ order, show, seats }: { order: Order; show: Show; seats: string }) {
  const gone = order.refund_reason === 'SEATS_GONE';
  const why = order.refund_reason ? REFUNDED_BECAUSE[order.refund_reason] : 'the order was refunded';
  return (
    <section className="payment">
      <PageTitle title={gone ? 'Your seats were gone' : 'Refunded'}>{gone ? 'Your seats were gone' : 'Refunded'}</PageTitle>
      <p className="problem" role="alert">
        Refunded: {why}, and the {formatMoney(order.refunded_amount || order.amount, order.currency)} you paid is refunded in full to your card.
      </p>
      <OrderFacts order={order} show={show} seats={seats} />
      <p>
        <Link to={`/shows/${show.id}`} className="button">
          Choose other seats
        </Link>{' '}
        <Link to="/my-orders">My orders</Link>
      </p>
    </section>
  );
}
