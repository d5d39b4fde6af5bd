import { useSyncExternalStore } from 'react';
import { api, call, type Order, type Show, totalOf } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath } from '../router';
import { joinLabels } from '../seats/plan';
import { useLoad } from '../ui/async';
import { formatDateTime, formatMoney, plural } from '../ui/format';
import { PageTitle, Ready } from '../ui/parts';

const PAGE = 50;

/** How each status reads on its badge. */
const STATUS: Record<Order['status'], string> = {
  pending: 'Pending',
  paid: 'Paid',
  failed: 'Payment failed',
  expired: 'Expired',
  refunded: 'Refunded',
  partially_refunded: 'Partially refunded',
};

/** Why the service refunded an order, after "refunded:". */
const REFUNDED_BECAUSE: Record<NonNullable<Order['refund_reason']>, string> = {
  SEATS_GONE: 'the seats were gone when the payment arrived',
  SHOW_CANCELLED: 'the show was cancelled',
  CUSTOMER_CANCELLED: 'you cancelled',
  ADMIN_CANCELLED: 'cancelled by the box office',
};

/** My orders, newest first (a page of them), with the show each one is for (an order names only its show's id). */
async function loadOrders(offset: number) {
  const { data: orders, response } = await call(api.GET('/my-orders', { params: { query: { limit: PAGE, offset } } }));
  const ids = [...new Set(orders.map((order) => order.show_id))];
  const shows = new Map<number, Show>();
  await Promise.all(
    ids.map(async (id) => {
      // A show gone since is still an order of mine: listed without its details.
      const show = await call(api.GET('/shows/{id}', { params: { path: { id } } })).catch(() => null);
      if (show) shows.set(id, show.data);
    }),
  );
  return { orders, shows, total: totalOf(response) };
}

/** An order that can still be paid: not paid, and its time to pay not over. */
const payable = (order: Order) => (order.status === 'pending' || order.status === 'failed') && Date.parse(order.expires_at) > Date.now();

export function MyOrdersPage() {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const loaded = useLoad(() => loadOrders(0), state.status);
  if (state.status === 'signed-out') {
    return (
      <section>
        <PageTitle title="My orders">My orders</PageTitle>
        <p>
          <Link to={loginPath()}>Log in</Link> to see your orders.
        </p>
      </section>
    );
  }
  return (
    <section>
      <PageTitle title="My orders">My orders</PageTitle>
      <p>
        What you paid for seats, newest first. Free shows need no order: their seats are in <Link to="/my-bookings">My bookings</Link>.
      </p>
      <Ready loaded={loaded} what="your orders">
        {({ orders, shows, total }) =>
          orders.length === 0 ? (
            <p>
              No orders yet. <Link to="/">Find a movie</Link>
            </p>
          ) : (
            <>
              <ul className="bookings orders">
                {orders.map((order) => (
                  <OrderItem key={order.id} order={order} show={shows.get(order.show_id)} />
                ))}
              </ul>
              {total > orders.length && <p className="muted">The {plural(orders.length, 'newest order')} of {total}.</p>}
            </>
          )
        }
      </Ready>
    </section>
  );
}

function OrderItem({ order, show }: { order: Order; show: Show | undefined }) {
  const seats = joinLabels(order.seat_labels);
  const title = show?.movie_title ?? `Show ${order.show_id}`;
  const because = order.refunded_amount > 0 && order.refund_reason ? REFUNDED_BECAUSE[order.refund_reason] : null;
  const status = STATUS[order.status];
  const what = `Order ${order.id}: ${title}${show ? `, ${formatDateTime(show.date_time)}` : ''}, ${seats}, ${formatMoney(order.amount, order.currency)}, ${status}${because ? ` (${because})` : ''}`;
  return (
    <li className="booking order" aria-label={what}>
      <div className="booking-what">
        {show ? (
          <Link to={`/shows/${show.id}`} className="booking-title">
            {title}
          </Link>
        ) : (
          <span className="booking-title">{title}</span>
        )}
        <span>
          {show ? `${formatDateTime(show.date_time)} · ${show.screen_name} · ` : ''}
          {seats}
        </span>
        <span>
          Order {order.id} of {formatDateTime(order.created_at)} · <strong>{formatMoney(order.amount, order.currency)}</strong>
          {order.refunded_amount > 0 && ` · ${formatMoney(order.refunded_amount, order.currency)} refunded${because ? `: ${because}` : ''}`}
        </span>
        <span className={`badge status-${order.status}`}>{status}</span>
      </div>
      {payable(order) && (
        <Link to={`/orders/${order.id}/pay`} className="button" aria-label={`Pay ${formatMoney(order.amount, order.currency)} for order ${order.id}`}>
          Pay
        </Link>
      )}
      {(order.status === 'paid' || order.status === 'partially_refunded') && (
        <Link to="/my-bookings" className="button secondary" aria-label={`Tickets of order ${order.id}`}>
          Tickets
        </Link>
      )}
    </li>
  );
}
