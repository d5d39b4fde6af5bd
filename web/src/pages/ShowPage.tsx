import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { api, call, type BookingLimits, type Hold, type Show } from '../api/client';
import { session } from '../api/session';
import { Link } from '../router';
import { useSeatStream } from '../seats/live';
import { listOf, nameOf } from '../seats/plan';
import { SeatLegend, SeatMap } from '../seats/SeatMap';
import { SeatStore, selectionLimitOf } from '../seats/store';
import { announce } from '../ui/announce';
import { useLoad } from '../ui/async';
import { formatDay, formatPrice, formatTime, plural } from '../ui/format';
import { PageTitle, Ready } from '../ui/parts';
import { Checkout, type Notice } from './Checkout';

const SELECTION_KEY = (showId: number) => `box-office.selection.${showId}`;

/** Marks for the Performance API: from the map's data to the frame that shows it (see the README's figures). */
function measureFirstPaint(): void {
  if (performance.getEntriesByName('seat-map:render').length > 0) return;
  performance.mark('seat-map:data');
  requestAnimationFrame(() => setTimeout(() => performance.measure('seat-map:render', 'seat-map:data')));
}

export function ShowPage({ id }: { id: number }) {
  const loaded = useLoad(async () => {
    const [show, limits] = await Promise.all([call(api.GET('/shows/{id}', { params: { path: { id } } })), call(api.GET('/booking-limits'))]);
    return { show: show.data, limits: limits.data };
  }, String(id));
  return (
    <Ready loaded={loaded} what="the show">
      {({ show, limits }) => (show.status === 'cancelled' ? <CancelledShow show={show} /> : <ShowSeats key={show.id} show={show} limits={limits} />)}
    </Ready>
  );
}

/** A cancelled show: what it was, and that nothing of it is on sale (its bookings are cancelled, in "My bookings"). */
function CancelledShow({ show }: { show: Show }) {
  return (
    <section className="show-page">
      <PageTitle title={`${show.movie_title}, ${formatTime(show.date_time)}, cancelled`}>{show.movie_title}</PageTitle>
      <ShowFacts show={show} />
      <p className="problem">
        Cancelled: this show will not take place, and its seats are not on sale. Bookings of it are cancelled
        {show.price > 0 ? ', and what was paid for them is refunded in full' : ''}.
      </p>
    </section>
  );
}

function ShowFacts({ show }: { show: Show }) {
  return (
    <p className="show-facts">
      {formatDay(show.date_time)} at {formatTime(show.date_time)} · {show.screen_name} · {plural(show.total_seats, 'seat')} ·{' '}
      <span className="price">{show.price === 0 ? 'Free' : `${formatPrice(show.price, show.currency)} a seat`}</span> ·{' '}
      <Link to={`/movies/${show.movie_id}`}>Other times</Link>
    </p>
  );
}

function ShowSeats({ show, limits }: { show: Show; limits: BookingLimits }) {
  const store = useMemo(() => new SeatStore(selectionLimitOf(limits)), [limits]);
  const signedIn = useSyncExternalStore(session.subscribe, session.snapshot).status === 'signed-in';
  const [holds, setHolds] = useState<Hold[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const started = Date.parse(show.date_time) <= Date.now();

  const readMine = useCallback(async () => {
    if (!signedIn) {
      setHolds([]);
      store.setMine([], []);
      return;
    }
    const [mine, booked] = await Promise.all([
      call(api.GET('/my-holds', { params: { query: { show_id: show.id, limit: 200 } } })),
      call(api.GET('/my-bookings', { params: { query: { show_id: show.id, status: 'booked', limit: 200 } } })),
    ]);
    setHolds(mine.data);
    store.setMine(
      mine.data.flatMap((hold) => hold.seat_numbers),
      booked.data.map((booking) => booking.seat_number),
    );
  }, [signedIn, show.id, store]);

  const readMap = useCallback(async () => {
    try {
      const { data } = await call(api.GET('/shows/{id}/seats', { params: { path: { id: show.id } } }));
      const first = !store.loaded;
      store.load(data);
      if (first) {
        measureFirstPaint();
        restoreSelection(store, show.id);
      }
      await readMine().catch(() => undefined);
    } catch {
      store.reloadFailed();
    }
  }, [show.id, store, readMine]);

  const stream = useSeatStream(show.id, store, readMap);
  useEffect(() => () => store.dispose(), [store]);

  // Seats someone else took from the selection, and holds of mine that ended, are said at once (an alert).
  useEffect(
    () =>
      store.onNews(({ takenFromSelection, lostFromHolds }) => {
        if (takenFromSelection.length > 0) {
          const text = `${listOf(store.plan, takenFromSelection)} ${takenFromSelection.length === 1 ? 'was' : 'were'} just taken by someone else.`;
          setNotice({ kind: 'problem', text });
        }
        if (lostFromHolds.length > 0) {
          const text = `Your hold on ${listOf(store.plan, lostFromHolds)} has ended; the seats are free again.`;
          setNotice({ kind: 'problem', text });
          void readMine();
        }
      }),
    [store, readMine],
  );

  // The selection survives a detour through the login page.
  const version = useSyncExternalStore(store.subscribe, store.snapshot);
  useEffect(() => {
    if (store.loaded) sessionStorage.setItem(SELECTION_KEY(show.id), JSON.stringify(store.selected()));
  }, [version, store, show.id]);

  const toggle = (seat: number) => {
    if (started) return;
    const result = store.toggle(seat);
    if (result === 'full') announce(`You can choose up to ${store.maxSelected} seats at a time.`);
    if (result === 'unavailable') {
      const mine = store.mineOf(seat);
      announce(`${nameOf(store.plan, seat)} is ${mine ? `already ${mine === 'held' ? 'held for' : 'booked by'} you` : 'not available'}.`);
    }
  };

  const title = `${show.movie_title}, ${formatTime(show.date_time)}`;
  return (
    <section className="show-page">
      <PageTitle title={title}>{show.movie_title}</PageTitle>
      <ShowFacts show={show} />
      <p className={`stream ${stream}`} aria-live="polite">
        {stream === 'live' ? 'Live: seats change here as others choose them.' : stream === 'connecting' ? 'Connecting to live seat updates…' : 'Reconnecting to live seat updates…'}
      </p>
      {started && <p className="problem">This show has started: its seats can no longer be held or booked.</p>}
      <div className="show-layout">
        <div className="map-column">
          <SeatLegend store={store} />
          <SeatMap store={store} label={`Seats of ${show.screen_name}, ${plural(store.plan.rows.length, 'row')}`} onToggle={toggle} />
          <p className="hint">
            Rows are named from the screen back, seats from the left; a gap is an aisle. Use the arrow keys to move between seats and Space to choose
            one; zoom with the buttons, + and −, or a pinch.
          </p>
        </div>
        <Checkout
          show={show}
          store={store}
          holds={holds}
          signedIn={signedIn}
          disabled={started}
          notice={notice}
          setNotice={setNotice}
          onHoldsChanged={readMine}
          onExpired={readMap}
        />
      </div>
    </section>
  );
}

function restoreSelection(store: SeatStore, showId: number): void {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(SELECTION_KEY(showId)) ?? '[]');
    if (Array.isArray(saved)) for (const seat of saved) if (typeof seat === 'number') store.toggle(seat);
  } catch {
    // Nothing saved worth restoring.
  }
}
