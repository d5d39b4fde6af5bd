import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, ApiProblem, call, type MyBooking, totalOf } from '../api/client';
import { session } from '../api/session';
import { Link, loginPath } from '../router';
import { dataUrlOf, forgetTicket, saveTicket, savedTicket, seatWords, type SavedTicket } from '../tickets/saved';
import '../tickets/tickets.css';
import { toProblem } from '../ui/async';
import { formatDateTime, formatDay, formatTime } from '../ui/format';
import { PageTitle, ProblemText } from '../ui/parts';

const PAGE = 200;

/** My booking `id`, from /my-bookings/ (the API has no single-booking read): null when none of mine has it. */
async function findBooking(id: number): Promise<MyBooking | null> {
  for (let offset = 0; ; offset += PAGE) {
    const { data, response } = await call(api.GET('/my-bookings', { params: { query: { limit: PAGE, offset } } }));
    const found = data.find((booking) => booking.id === id);
    if (found) return found;
    if (data.length < PAGE || offset + PAGE >= totalOf(response)) return null;
  }
}

async function loadTicket(id: number): Promise<SavedTicket | { cancelled: MyBooking } | null> {
  const booking = await findBooking(id);
  if (!booking) return null;
  if (booking.status === 'cancelled') return { cancelled: booking };
  const { data } = await call(api.GET('/bookings/{id}/ticket.png', { params: { path: { id } }, parseAs: 'blob' }));
  const qr = await dataUrlOf(new Blob([data], { type: 'image/png' }));
  return { booking, qr, saved_at: new Date().toISOString() };
}

/** The box office could not be reached (or failed): the saved copy stands in. */
const unreachable = (problem: ApiProblem) => problem.status === 0 || problem.status >= 500;

type State =
  | { status: 'loading' }
  | { status: 'ready'; ticket: SavedTicket; offline: boolean }
  | { status: 'cancelled'; booking: MyBooking }
  | { status: 'missing' }
  | { status: 'failed'; problem: ApiProblem };

/**
 * A ticket to show at the door: its QR code, seat, movie, time and screen and
 * its code in text. The copy saved on this device shows at once and stands in
 * when the network fails; the box office's answer replaces it when it comes.
 */
export function TicketPage({ id }: { id: number }) {
  const signedIn = useSyncExternalStore(session.subscribe, session.snapshot).status === 'signed-in';
  const [state, setState] = useState<State>(() => {
    const saved = savedTicket(id);
    return saved ? { status: 'ready', ticket: saved, offline: false } : { status: 'loading' };
  });

  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    const saved = savedTicket(id);
    setState(saved ? { status: 'ready', ticket: saved, offline: false } : { status: 'loading' });
    loadTicket(id).then(
      (loaded) => {
        if (!current) return;
        if (loaded === null || 'cancelled' in loaded) forgetTicket(id);
        if (loaded === null) setState({ status: 'missing' });
        else if ('cancelled' in loaded) setState({ status: 'cancelled', booking: loaded.cancelled });
        else {
          saveTicket(loaded);
          setState({ status: 'ready', ticket: loaded, offline: false });
        }
      },
      (error: unknown) => {
        if (!current) return;
        const problem = toProblem(error);
        const fallback = savedTicket(id);
        setState(fallback && unreachable(problem) ? { status: 'ready', ticket: fallback, offline: true } : { status: 'failed', problem });
      },
    );
    return () => {
      current = false;
    };
  }, [id, signedIn]);

  if (!signedIn) {
    return (
      <section>
        <PageTitle title="Ticket">Ticket</PageTitle>
        <p>
          <Link to={loginPath()}>Log in</Link> to see your ticket.
        </p>
      </section>
    );
  }
  if (state.status === 'ready') return <Ticket ticket={state.ticket} offline={state.offline} />;
  return (
    <section>
      <PageTitle title="Ticket">Ticket</PageTitle>
      {state.status === 'loading' && (
        <p className="muted" aria-busy="true">
          Loading your ticket…
        </p>
      )}
      {state.status === 'failed' && <ProblemText problem={state.problem} />}
      {state.status === 'missing' && <p>None of your bookings has this ticket.</p>}
      {state.status === 'cancelled' && (
        <p>
          This booking ({state.booking.movie_title}, {formatDateTime(state.booking.date_time)}, seat {state.booking.seat_label}) was cancelled: its ticket no longer
          admits anyone.
        </p>
      )}
      <p>
        <Link to="/my-bookings">My bookings</Link>
      </p>
    </section>
  );
}

function Ticket({ ticket, offline }: { ticket: SavedTicket; offline: boolean }) {
  const { booking, qr } = ticket;
  const title = `Ticket: ${booking.movie_title}, seat ${booking.seat_label}`;
  return (
    <section className="ticket-page">
      <PageTitle title={title}>Your ticket</PageTitle>
      {offline && (
        <p className="notice" role="status">
          Offline: this is the copy saved on this device at {formatDateTime(ticket.saved_at)}. It still gets you in.
        </p>
      )}
      <article className="ticket" aria-labelledby="ticket-movie">
        <h2 id="ticket-movie">{booking.movie_title}</h2>
        <p className="ticket-seat">
          Seat {booking.seat_label}
          <span className="ticket-seat-words">{seatWords(booking.seat_label)}</span>
        </p>
        <dl className="ticket-facts">
          <div>
            <dt>Date</dt>
            <dd>{formatDay(booking.date_time)}</dd>
          </div>
          <div>
            <dt>Time</dt>
            <dd>{formatTime(booking.date_time)}</dd>
          </div>
          <div>
            <dt>Screen</dt>
            <dd>{booking.screen_name}</dd>
          </div>
        </dl>
        <img
          className="ticket-qr"
          src={qr}
          alt={`QR code of this ticket (${booking.movie_title}, seat ${booking.seat_label}): show it at the door to be scanned`}
          width={256}
          height={256}
        />
        <p className="ticket-code">
          Ticket code <code>{booking.ticket_code}</code>
        </p>
        {booking.checked_in_at && <p className="ticket-checked-in">Checked in at {formatTime(booking.checked_in_at)}, {formatDay(booking.checked_in_at)}</p>}
      </article>
      <div className="actions ticket-actions">
        <button type="button" className="button" onClick={() => window.print()}>
          Print ticket
        </button>
        <Link to="/my-bookings" className="button secondary">
          My bookings
        </Link>
      </div>
    </section>
  );
}
