import { type RefObject, useEffect, useRef, useState } from 'react';
import { api, ApiProblem, call, type Hold, newIdempotencyKey, type Order, type Show } from '../api/client';
import { Link, loginPath, navigate } from '../router';
import { joinLabels, kindOf, listOf } from '../seats/plan';
import type { SeatStore } from '../seats/store';
import { announce } from '../ui/announce';
import { toProblem } from '../ui/async';
import { formatCountdown, formatMoney, formatTime, plural } from '../ui/format';

export type Notice = { kind: 'problem' | 'success'; text: string; link?: { to: string; text: string } };

/** Seat problems that name seats: marked taken on the map at once, before the stream says so. */
const TAKEN: Record<string, 'booked' | 'held'> = { SEAT_TAKEN: 'booked', SHOW_FULL: 'booked', SEAT_HELD: 'held' };

/** A POST that changes something, with one Idempotency-Key: a retry after a lost answer changes nothing twice. */
export async function once<T>(send: (key: string) => Promise<T>): Promise<T> {
  const key = newIdempotencyKey();
  try {
    return await send(key);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 0) return send(key);
    throw error;
  }
}

/** Where an order is paid: its pay_url when it is a path of this app, otherwise the app's own payment page. */
export const payPathOf = (order: Order): string => {
  const url = order.payment.pay_url;
  return url && url.startsWith('/') && !url.startsWith('//') ? url : `/orders/${order.id}/pay`;
};

/**
 * The server's clock minus this browser's, from an answer's Date header (a countdown follows the server).
 * The header counts whole seconds: the server's time was somewhere in the second after it, and the
 * estimate takes its end, so a countdown may show up to a second less than is left, never more
 * (a fresh 10-minute hold read "10:01" with the second's middle).
 */
export const skewOf = (response: Response): number => {
  const date = Date.parse(response.headers.get('date') ?? '');
  return Number.isNaN(date) ? 0 : date + 999 - Date.now();
};

interface Props {
  show: Show;
  store: SeatStore;
  holds: Hold[];
  signedIn: boolean;
  disabled: boolean;
  notice: Notice | null;
  setNotice: (notice: Notice | null) => void;
  onHoldsChanged: () => Promise<void>;
  onExpired: () => Promise<void>;
}

/**
 * The checkout: the seats chosen (by the API's labels) and what they cost,
 * holding them (a countdown to expires_at), then confirming (the booking of a
 * free show) or checking out (a priced show: the order, paid on its payment
 * page), or releasing them. Every refusal, and every seat taken from the
 * selection, is shown here; seats a refusal names are marked taken on the map.
 * On a phone it is the bar stuck to the bottom of the screen, under the map
 * (styles.css), so the next step and the news are always where the eye is;
 * on a wide screen the panel beside the map.
 */
export function Checkout({ show, store, holds, signedIn, disabled, notice, setNotice, onHoldsChanged, onExpired }: Props) {
  const [busy, setBusy] = useState(false);
  const [skew, setSkew] = useState(0);
  /** Where the keyboard goes next: a new hold's Confirm button, or the outcome of a confirm. */
  const [justHeld, setJustHeld] = useState<number | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const barRef = useRef<HTMLElement>(null);
  useStickyBarHeight(barRef);
  useEffect(() => {
    if (busy || justHeld === null) return;
    document.getElementById(`confirm-hold-${justHeld}`)?.focus();
    setJustHeld(null);
  }, [busy, justHeld, holds]);
  const selected = store.selected();
  const seatList = (seats: number[]) => listOf(store.plan, seats);
  /** A seat's price: its kind's where the show sets one (prices_by_kind), else the show's. */
  const priceOf = (seat: number) => show.prices_by_kind?.[kindOf(store.plan, seat)] ?? show.price;
  const priced = show.price > 0 || Object.values(show.prices_by_kind ?? {}).some((price) => price > 0);
  const total = (seats: number[]) => formatMoney(seats.reduce((sum, seat) => sum + priceOf(seat), 0), show.currency);
  const byKind = Object.keys(show.prices_by_kind ?? {}).length > 0;

  const fail = (error: unknown) => {
    const problem = toProblem(error);
    const status = TAKEN[problem.code];
    if (status && problem.problem.seats) store.markTaken(problem.problem.seats, status);
    // Shown as an alert, which is read out at once: not announced a second time.
    setNotice({ kind: 'problem', text: problem.message });
  };

  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    setNotice(null);
    try {
      await task();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const hold = () =>
    run(async () => {
      const seats = store.selected();
      const { data, response } = await once((key) =>
        call(api.POST('/shows/{id}/holds', { params: { path: { id: show.id }, header: { 'Idempotency-Key': key } }, body: { seat_numbers: seats } })),
      );
      setSkew(skewOf(response));
      setJustHeld(data.id);
      store.clearSelection();
      await onHoldsChanged();
      // Said, not shown: the hold itself (its seats, time left and next step) is what the page shows now.
      announce(
        `${seatList(data.seat_numbers)} ${data.seat_numbers.length === 1 ? 'is' : 'are'} held for you until ${formatTime(data.expires_at)}. ${priced ? 'Check out to pay for them.' : 'Confirm to book.'}`,
      );
    });

  /** A priced show's hold becomes an order, paid on its own page (the same order again while it lasts). */
  const checkOut = async (held: Hold) => {
    const { data } = await once((key) => call(api.POST('/holds/{id}/checkout', { params: { path: { id: held.id }, header: { 'Idempotency-Key': key } } })));
    navigate(payPathOf(data));
  };

  const confirm = (held: Hold) =>
    run(async () => {
      if (priced) {
        try {
          return await checkOut(held);
        } catch (error) {
          // The show was made free meanwhile: the hold is confirmed as before.
          if (!(error instanceof ApiProblem && error.code === 'CHECKOUT_NOT_NEEDED')) throw error;
        }
      }
      const confirmed = await once((key) => call(api.POST('/holds/{id}/confirm', { params: { path: { id: held.id }, header: { 'Idempotency-Key': key } } }))).catch(
        (error: unknown) => {
          // The show was given a price meanwhile: its seats are paid for first.
          if (error instanceof ApiProblem && error.code === 'PAYMENT_REQUIRED') return null;
          throw error;
        },
      );
      if (!confirmed) return await checkOut(held);
      const { data } = confirmed;
      await onHoldsChanged();
      const labels = [...data].sort((a, b) => a.seat_number - b.seat_number).map((booking) => booking.seat_label);
      const text = `Booked: ${joinLabels(labels)}. Enjoy the show!`;
      setNotice({ kind: 'success', text, link: { to: '/my-bookings', text: 'See my bookings' } });
      announce(text);
      requestAnimationFrame(() => noticeRef.current?.focus());
    });

  const release = (held: Hold) =>
    run(async () => {
      await call(api.DELETE('/holds/{id}', { params: { path: { id: held.id } } }));
      await onHoldsChanged();
      held.seat_numbers.forEach((seat) => store.queue(seat, 'available'));
      const text = `Released ${seatList(held.seat_numbers)}.`;
      setNotice({ kind: 'success', text });
      announce(text);
    });

  return (
    <aside className="checkout" aria-labelledby="checkout-title" ref={barRef}>
      <h2 id="checkout-title">Your seats</h2>
      {notice && (
        <p className={notice.kind === 'problem' ? 'problem' : 'success'} role={notice.kind === 'problem' ? 'alert' : undefined} ref={noticeRef} tabIndex={-1}>
          {notice.text} {notice.link && <Link to={notice.link.to}>{notice.link.text}</Link>}
        </p>
      )}
      {holds.map((held) => (
        <div key={held.id} className="hold" role="group" aria-label={`Hold of ${seatList(held.seat_numbers)}`}>
          <p>
            Held for you: <strong>{seatList(held.seat_numbers)}</strong>
            {priced && <> · {total(held.seat_numbers)}</>}
          </p>
          <Countdown expiresAt={held.expires_at} skew={skew} onExpired={() => void onExpired()} verb={priced ? 'check out' : 'confirm'} />
          <div className="actions">
            <button type="button" className="button" disabled={busy || disabled} onClick={() => void confirm(held)} id={`confirm-hold-${held.id}`}>
              {priced ? `Check out and pay ${total(held.seat_numbers)}` : `Confirm booking of ${plural(held.seat_numbers.length, 'seat')}`}
            </button>
            <button type="button" className="button secondary" disabled={busy} onClick={() => void release(held)}>
              Release
            </button>
          </div>
        </div>
      ))}
      {selected.length > 0 ? (
        <div className="chosen">
          <p className="chosen-seats">
            Chosen: <strong>{seatList(selected)}</strong>
          </p>
          {priced && (
            <p className="total">
              Total: <strong>{total(selected)}</strong>{' '}
              {!byKind && (
                <span className="muted">
                  ({plural(selected.length, 'seat')} × {formatMoney(show.price, show.currency)})
                </span>
              )}
            </p>
          )}
        </div>
      ) : (
        holds.length === 0 && <p className="muted">Choose up to {store.maxSelected} available seats on the map.</p>
      )}
      {selected.length > 0 &&
        (signedIn ? (
          <div className="actions">
            <button type="button" className="button" disabled={busy || disabled} onClick={() => void hold()}>
              Hold {plural(selected.length, 'seat')}
            </button>
            <button type="button" className="button secondary" disabled={busy} onClick={() => store.clearSelection()}>
              Clear
            </button>
          </div>
        ) : (
          <p className="actions">
            <Link to={loginPath()} className="button">
              Log in to hold these seats
            </Link>
          </p>
        ))}
    </aside>
  );
}

/**
 * The checkout's height, as `--checkout-height` on the page, while it is
 * shown: on a phone, where it sticks to the bottom, the page keeps a seat the
 * keyboard moves to clear of it (scroll-padding-bottom in styles.css).
 */
function useStickyBarHeight(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const bar = ref.current;
    if (!bar || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--checkout-height', `${Math.ceil(bar.getBoundingClientRect().height)}px`));
    observer.observe(bar);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--checkout-height');
    };
  }, [ref]);
}

/** Time left on a hold; read out once a minute is left and when it runs out, never every second. */
export function Countdown({ expiresAt, skew, onExpired, verb }: { expiresAt: string; skew: number; onExpired: () => void; verb: string }) {
  const [ms, setMs] = useState(() => Date.parse(expiresAt) - (Date.now() + skew));
  const expired = useRef(onExpired);
  expired.current = onExpired;
  useEffect(() => {
    let warned = false;
    let done = false;
    const tick = () => {
      const left = Date.parse(expiresAt) - (Date.now() + skew);
      setMs(left);
      if (left <= 60_000 && left > 0 && !warned) {
        warned = true;
        announce(`One minute left to ${verb} your seats.`);
      }
      if (left <= 0 && !done) {
        done = true;
        announce('Your hold has run out; the seats are free again.');
        expired.current();
      }
    };
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [expiresAt, skew, verb]);
  return (
    <p className={ms <= 60_000 ? 'countdown urgent' : 'countdown'}>
      <time>{formatCountdown(ms)}</time> left to {verb}
    </p>
  );
}
