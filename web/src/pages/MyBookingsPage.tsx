import { useState, useSyncExternalStore } from 'react';
import { api, type ApiProblem, call, type MyBooking } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath } from '../router';
import { sayLabel } from '../seats/plan';
import { announce } from '../ui/announce';
import { toProblem, useLoad } from '../ui/async';
import { formatDateTime } from '../ui/format';
import { PageTitle, ProblemText, Ready } from '../ui/parts';

/** Every booking of mine (up to the API's page of 200), split into upcoming (soonest first) and past (latest first). */
async function loadBookings(): Promise<MyBooking[]> {
  const { data } = await call(api.GET('/my-bookings', { params: { query: { limit: 200 } } }));
  return data;
}

export function MyBookingsPage() {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const loaded = useLoad(loadBookings, state.status);
  if (state.status === 'signed-out') {
    return (
      <section>
        <PageTitle title="My bookings">My bookings</PageTitle>
        <p>
          <Link to={loginPath()}>Log in</Link> to see your bookings.
        </p>
      </section>
    );
  }
  return (
    <section>
      <PageTitle title="My bookings">My bookings</PageTitle>
      <Ready loaded={loaded} what="your bookings">
        {(bookings) => {
          const now = Date.now();
          const upcoming = bookings.filter((b) => Date.parse(b.date_time) > now).sort((a, b) => Date.parse(a.date_time) - Date.parse(b.date_time));
          const past = bookings.filter((b) => Date.parse(b.date_time) <= now);
          return (
            <>
              <h2>Upcoming</h2>
              {upcoming.length === 0 ? (
                <p>
                  No upcoming bookings. <Link to="/">Find a movie</Link>
                </p>
              ) : (
                <BookingList bookings={upcoming} cancellable onChanged={loaded.reload} />
              )}
              <h2>Past</h2>
              {past.length === 0 ? <p className="muted">No past bookings.</p> : <BookingList bookings={past} onChanged={loaded.reload} />}
            </>
          );
        }}
      </Ready>
    </section>
  );
}

function BookingList({ bookings, cancellable = false, onChanged }: { bookings: MyBooking[]; cancellable?: boolean; onChanged: () => Promise<void> }) {
  return (
    <ul className="bookings">
      {bookings.map((booking) => (
        <BookingItem key={booking.id} booking={booking} cancellable={cancellable} onChanged={onChanged} />
      ))}
    </ul>
  );
}

function BookingItem({ booking, cancellable, onChanged }: { booking: MyBooking; cancellable: boolean; onChanged: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const seat = sayLabel(booking.seat_label);
  const what = `${booking.movie_title}, ${formatDateTime(booking.date_time)}, ${seat}`;
  const cancelled = booking.status === 'cancelled';

  const cancel = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await call(api.POST('/bookings/{id}/cancel', { params: { path: { id: booking.id } } }));
      announce(`Cancelled: ${what}.`);
      setAsking(false);
      await onChanged();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={cancelled ? 'booking cancelled' : 'booking'} aria-label={what + (booking.show_status === 'cancelled' ? ', show cancelled' : cancelled ? ', cancelled' : '')}>
      <div className="booking-what">
        <Link to={`/shows/${booking.show_id}`} className="booking-title">
          {booking.movie_title}
        </Link>
        <span>
          {formatDateTime(booking.date_time)} · {booking.screen_name} · {seat}
        </span>
        {cancelled && (
          <span className="badge">
            {booking.show_status === 'cancelled' ? 'Show cancelled' : 'Cancelled'}
            {booking.cancelled_at ? ` ${formatDateTime(booking.cancelled_at)}` : ''}
          </span>
        )}
        {booking.checked_in_at && <span className="badge">Checked in {formatDateTime(booking.checked_in_at)}</span>}
      </div>
      {!cancelled && (
        <Link to={`/tickets/${booking.id}`} className="button secondary" aria-label={`Ticket for ${what}`}>
          Ticket
        </Link>
      )}
      {cancellable && !cancelled && !asking && (
        <button type="button" className="button secondary" onClick={() => setAsking(true)}>
          Cancel…
        </button>
      )}
      {asking && (
        <div className="confirm" role="group" aria-label={`Cancel ${what}?`}>
          <p>Cancel this booking? The seat goes back on sale at once.</p>
          <button type="button" className="button danger" disabled={busy} onClick={() => void cancel()} autoFocus>
            Yes, cancel it
          </button>
          <button type="button" className="button secondary" disabled={busy} onClick={() => setAsking(false)}>
            Keep it
          </button>
        </div>
      )}
      <ProblemText problem={problem} />
    </li>
  );
}
