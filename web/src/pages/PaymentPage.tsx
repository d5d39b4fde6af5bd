import { type FormEvent, useRef, useState, useSyncExternalStore } from 'react';
import { api, type ApiProblem, call, type MyBooking, type Order, type Show } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath } from '../router';
import { layoutOf, seatList } from '../seats/layout';
import { announce } from '../ui/announce';
import { toProblem, useLoad } from '../ui/async';
import { formatDateTime, formatDay, formatMoney, formatTime, plural } from '../ui/format';
import { Field, PageTitle, Ready } from '../ui/parts';
import { Countdown, once, skewOf } from './Checkout';

/** The demo provider's test cards (PAYMENT_PROVIDER=demo): no real card is ever charged. */
export const DEMO_CARDS = { pays: '4242 4242 4242 4242', declines: '4000 0000 0000 0002' };

async function loadOrder(id: number) {
  const { data: order, response } = await call(api.GET('/orders/{id}', { params: { path: { id } } }));
  const { data: show } = await call(api.GET('/shows/{id}', { params: { path: { id: order.show_id } } }));
  return { order, show, skew: skewOf(response) };
}

/**
 * An order's payment page (its pay_url with the demo provider): what is
 * bought and for how much, the time left to pay, and a card number. A
 * declined card is said at once and the form stays for another try; a paid
 * order links to its tickets; an order whose seats were gone by the time the
 * money arrived says so, and that the money is refunded.
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

function Payment({ first, show, skew }: { first: Order; show: Show; skew: number }) {
  const [order, setOrder] = useState(first);
  const [timeUp, setTimeUp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const cardRef = useRef<HTMLInputElement>(null);
  const amount = formatMoney(order.amount, order.currency);
  const seats = seatList(layoutOf(show.total_seats), order.seat_numbers);

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
      setOrder(data);
      announce(data.status === 'paid' ? `Paid ${amount}. Your tickets are ready.` : `Your seats were gone: ${amount} is refunded.`);
    } catch (error) {
      const refused = toProblem(error);
      if (refused.code === 'ORDER_ALREADY_PAID' || refused.code === 'ORDER_REFUNDED') {
        // Settled meanwhile (another tab, a repeat): show it as it is.
        const { data } = await call(api.GET('/orders/{id}', { params: { path: { id: order.id } } })).catch(() => ({ data: order }));
        setOrder(data);
      } else {
        // Shown as an alert, which is read out at once; the form stays for another try.
        setProblem(refused);
        if (refused.code === 'PAYMENT_DECLINED') setOrder((current) => ({ ...current, status: 'failed' }));
        requestAnimationFrame(() => cardRef.current?.select());
      }
    } finally {
      setBusy(false);
    }
  };

  if (order.status === 'paid' || order.status === 'partially_refunded') return <Paid order={order} show={show} seats={seats} />;
  if (order.status === 'refunded') return <Refunded order={order} show={show} seats={seats} />;
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

  const fields = problem?.fieldErrors() ?? {};
  return (
    <section className="payment">
      <PageTitle title={`Pay for ${show.movie_title}`}>Pay for your seats</PageTitle>
      <OrderFacts order={order} show={show} seats={seats} />
      <Countdown expiresAt={order.expires_at} skew={skew} onExpired={() => setTimeUp(true)} verb="pay" />
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
