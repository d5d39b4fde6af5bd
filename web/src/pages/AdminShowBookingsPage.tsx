import { useState, useSyncExternalStore } from 'react';
import { api, type ApiProblem, call, type Show, type ShowBooking, totalOf } from '../api/client';
import { session } from '../api/session';
import { Link } from '../router';
import { announce } from '../ui/announce';
import { toProblem, useLoad } from '../ui/async';
import { dayKey, formatDateTime, formatMoney, formatPrice, plural } from '../ui/format';
import { PageTitle, ProblemText, Ready } from '../ui/parts';
import { StaffOnly } from './admin';

/** Staff and admins: one show's bookings, cancelled ones too, as a table and as a CSV download; admins cancel a booking (and refund a paid seat). */
export function AdminShowBookingsPage({ id }: { id: number }) {
  return (
    <StaffOnly title="Bookings" staffToo>
      <ShowBookings id={id} />
    </StaffOnly>
  );
}

/** Every booking of the show, every page of the list (200 at a time). */
async function allBookings(showId: number): Promise<ShowBooking[]> {
  const bookings: ShowBooking[] = [];
  for (;;) {
    const { data, response } = await call(api.GET('/shows/{id}/bookings', { params: { path: { id: showId }, query: { limit: 200, offset: bookings.length } } }));
    // JSON, as asked: the CSV is the other answer the route has.
    const page = Array.isArray(data) ? data : [];
    bookings.push(...page);
    if (page.length === 0 || bookings.length >= totalOf(response)) return bookings;
  }
}

/** A bought seat: an order paid for it. Cancelling it refunds that price (API.md Part 3). */
const isPaid = (booking: ShowBooking) => booking.order_id !== null && booking.price > 0;
const customerOf = (booking: ShowBooking) => (booking.username ? `${booking.username} (${booking.email})` : booking.email);

/** The CSV of every booking, fetched with the session's token and handed to the browser as a file. */
async function downloadCsv(showId: number): Promise<void> {
  const { data } = await call(api.GET('/shows/{id}/bookings', { params: { path: { id: showId }, query: { format: 'csv' } }, parseAs: 'blob' }));
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = `show-${showId}-bookings.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function ShowBookings({ id }: { id: number }) {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const admin = state.status === 'signed-in' && state.me?.role === 'admin';
  const loaded = useLoad(async () => {
    const [show, bookings] = await Promise.all([call(api.GET('/shows/{id}', { params: { path: { id } } })), allBookings(id)]);
    return { show: show.data, bookings };
  }, String(id));
  const [downloading, setDownloading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const download = async () => {
    setDownloading(true);
    setProblem(null);
    try {
      await downloadCsv(id);
      announce('The CSV of the bookings is downloaded.');
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Ready loaded={loaded} what="the show's bookings">
      {({ show, bookings }) => {
        const booked = bookings.filter((b) => b.status === 'booked').length;
        return (
          <section>
            <PageTitle title={`Bookings: ${show.movie_title}`}>{show.movie_title}: bookings</PageTitle>
            <p>
              {formatDateTime(show.date_time)} · {show.screen_name} · {booked} of {show.total_seats} seats booked
              {show.status === 'cancelled' && (
                <>
                  {' '}
                  <span className="badge">Show cancelled</span>
                </>
              )}
            </p>
            <p>
              <Link to={`/admin/today?date=${dayKey(show.date_time)}`}>The day&apos;s shows</Link> · <Link to={`/shows/${show.id}`}>Seat map</Link>
            </p>
            <p>
              <button type="button" className="button secondary" disabled={downloading} onClick={() => void download()}>
                Download CSV
              </button>
            </p>
            <ProblemText problem={problem} />
            {bookings.length === 0 ? (
              <p>No bookings yet.</p>
            ) : (
              <table className="admin-table">
                <caption className="visually-hidden">
                  {plural(bookings.length, 'booking')} of the show, by seat
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Seat</th>
                    <th scope="col">Status</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Price</th>
                    <th scope="col">Order</th>
                    <th scope="col">Checked in</th>
                    <th scope="col">Booked</th>
                    {admin && (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {bookings.map((booking) => (
                    <BookingRow key={booking.id} booking={booking} show={show} admin={admin} onChanged={loaded.reload} />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      }}
    </Ready>
  );
}

function BookingRow({ booking, show, admin, onChanged }: { booking: ShowBooking; show: Show; admin: boolean; onChanged: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const paid = isPaid(booking);
  const price = formatMoney(booking.price, show.currency);
  const who = customerOf(booking);

  const cancel = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await call(api.POST('/bookings/{id}/cancel', { params: { path: { id: booking.id } } }));
      announce(`Cancelled seat ${booking.seat_label}${paid ? `: ${price} refunded` : ''}.`);
      setAsking(false);
      await onChanged();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <th scope="row">{booking.seat_label}</th>
      <td>
        {booking.status === 'booked' ? 'Booked' : paid ? `Cancelled, ${price} refunded` : 'Cancelled'}
      </td>
      <td>{who}</td>
      <td data-label="Price">{formatPrice(booking.price, show.currency)}</td>
      <td data-label="Order">{booking.order_id === null ? '—' : `#${booking.order_id}`}</td>
      <td data-label="Checked in">{booking.checked_in_at ? formatDateTime(booking.checked_in_at) : '—'}</td>
      <td data-label="Booked">{formatDateTime(booking.created_at)}</td>
      {admin && (
        <td className="row-actions">
          {asking ? (
            <div className="confirm" role="group" aria-label={`Cancel the booking of seat ${booking.seat_label}?`}>
              <p>
                Cancel seat {booking.seat_label} for {who}?{' '}
                {paid ? `It was paid for: ${price} is refunded in full to the customer.` : 'It was free: there is nothing to refund.'} The seat goes back on
                sale at once. This cannot be undone.
              </p>
              <button type="button" className="button small danger" disabled={busy} onClick={() => void cancel()} autoFocus>
                {paid ? 'Yes, cancel and refund' : 'Yes, cancel the booking'}
              </button>
              <button type="button" className="button small secondary" disabled={busy} onClick={() => setAsking(false)}>
                Keep it
              </button>
            </div>
          ) : (
            booking.status === 'booked' && (
              <div>
                <button type="button" className="button small danger" onClick={() => setAsking(true)} aria-label={`Cancel the booking of seat ${booking.seat_label}`}>
                  Cancel…
                </button>
              </div>
            )
          )}
          <ProblemText problem={problem} />
        </td>
      )}
    </tr>
  );
}
