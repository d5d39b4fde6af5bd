import { useState } from 'react';
import { api, call, type Show, totalOf } from '../api/client';
import { ApiProblem } from '../api/problem';
import { Link } from '../router';
import { announce } from '../ui/announce';
import { toProblem, useLoad, useRefresh } from '../ui/async';
import { formatDateTime, formatMoney, formatPrice, fromLocalInput, plural, shownTimeZone, toLocalInput, toMajorInput } from '../ui/format';
import { Field, PageTitle, ProblemText, Ready, SelectField } from '../ui/parts';
import { CURRENCIES, DEFAULT_CURRENCY, EditRow, integer, Occupancy, priceOf, StaffOnly, text, useStaffForm } from './admin';

/** How often the occupancy on the list is read again while the page is open. */
const REFRESH_MS = 10_000;

export function AdminMoviePage({ id }: { id: number }) {
  return (
    <StaffOnly title="Admin">
      <MovieShows id={id} />
    </StaffOnly>
  );
}

function MovieShows({ id }: { id: number }) {
  const loaded = useLoad(async () => {
    const [movie, shows] = await Promise.all([
      call(api.GET('/movies/{id}', { params: { path: { id } } })),
      call(api.GET('/movies/{id}/shows', { params: { path: { id }, query: { limit: 200 } } })),
    ]);
    return { movie: movie.data, shows: shows.data };
  }, String(id));
  const { reload } = loaded;
  useRefresh(reload, REFRESH_MS);

  const create = useStaffForm(async (form) => {
    const { data } = await call(
      api.POST('/movies/{id}/shows', {
        params: { path: { id } },
        body: {
          screen_name: text(form, 'screen_name'),
          date_time: fromLocalInput(text(form, 'date_time')),
          total_seats: integer(form, 'total_seats', 'Seats'),
          ...priceOf(form),
        },
      }),
    );
    await reload();
    return `Scheduled ${data.screen_name}, ${formatDateTime(data.date_time)}.`;
  });

  return (
    <Ready loaded={loaded} what="the movie's shows">
      {({ movie, shows }) => (
        <section>
          <PageTitle title={`Admin: ${movie.title}`}>{movie.title}: shows</PageTitle>
          <p>
            <Link to="/admin">All movies</Link> · {movie.duration_minutes} minutes
          </p>
          <form className="inline-form" onSubmit={create.onSubmit} aria-labelledby="new-show" noValidate>
            <h2 id="new-show">Schedule a show</h2>
            <Field label="Screen" name="screen_name" required error={create.fields.screen_name} />
            <Field label="Starts at" name="date_time" type="datetime-local" required error={create.fields.date_time} hint={`Cinema time (${shownTimeZone()}).`} />
            <Field label="Seats" name="total_seats" inputMode="numeric" required hint="1 to 2000." error={create.fields.total_seats} />
            <PriceFields fields={create.fields} />
            <ProblemText problem={create.formProblem} />
            <button type="submit" className="button" disabled={create.busy}>
              Schedule show
            </button>
          </form>
          <h2>Shows</h2>
          {shows.length === 0 ? (
            <p>No shows yet.</p>
          ) : (
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Starts</th>
                  <th scope="col">Screen</th>
                  <th scope="col">Price</th>
                  <th scope="col">Occupancy</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shows.map((show) => (
                  <ShowRow key={show.id} show={show} onChanged={reload} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </Ready>
  );
}

/**
 * The PATCH of a show, its SHOW_HAS_BOOKINGS refusal said in the form's words
 * (the API's detail names the request field; a manager sees the box to tick).
 */
async function movedOnlyWhenTold<T extends Parameters<typeof call>[0]>(request: T): Promise<void> {
  try {
    await call(request);
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.code !== 'SHOW_HAS_BOOKINGS') throw error;
    const { booked = 0, held = 0 } = error.problem as { booked?: number; held?: number };
    throw new ApiProblem(error.status, {
      ...error.problem,
      detail: `This show has ${plural(booked, 'booked seat')} and ${plural(held, 'held seat')}. To move it, tick “Move it and e-mail its customers”: each customer is e-mailed the new time and keeps their seats.`,
    });
  }
}

function ShowRow({ show, onChanged }: { show: Show; onChanged: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const when = formatDateTime(show.date_time);
  const cancelled = show.status === 'cancelled';
  const edit = useStaffForm(async (form) => {
    await movedOnlyWhenTold(
      api.PATCH('/shows/{id}', {
        params: { path: { id: show.id } },
        body: {
          screen_name: text(form, 'screen_name'),
          date_time: fromLocalInput(text(form, 'date_time')),
          total_seats: integer(form, 'total_seats', 'Seats'),
          ...priceOf(form),
          // A show with booked or held seats moves only when its customers are told (409 SHOW_HAS_BOOKINGS otherwise).
          ...(form.get('notify_customers') === 'on' ? { notify_customers: true } : {}),
        },
      }),
    );
    setEditing(false);
    await onChanged();
    return `Saved the show of ${when}.`;
  });
  const remove = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await call(api.DELETE('/shows/{id}', { params: { path: { id: show.id } } }));
      announce(`Deleted the show of ${when}.`);
      await onChanged();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setConfirmingDelete(false);
      setBusy(false);
    }
  };

  const cancelShow = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const sold = show.booked_seats;
      await call(api.POST('/shows/{id}/cancel', { params: { path: { id: show.id } } }));
      announce(`Cancelled the show of ${when}: ${plural(sold, 'booked seat')} cancelled, every paid order refunded in full, and its customers told by e-mail.`);
      setConfirmingCancel(false);
      await onChanged();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  if (editing) {
    return (
      <EditRow columns={5} label={`Edit the show of ${when}`} form={edit} onCancel={() => setEditing(false)}>
        <Field label="Screen" name="screen_name" defaultValue={show.screen_name} error={edit.fields.screen_name} />
        <Field label="Starts at" name="date_time" type="datetime-local" defaultValue={toLocalInput(show.date_time)} error={edit.fields.date_time} hint={`Cinema time (${shownTimeZone()}).`} />
        <Field label="Seats" name="total_seats" inputMode="numeric" defaultValue={show.total_seats} error={edit.fields.total_seats} />
        <PriceFields fields={edit.fields} show={show} />
        {show.booked_seats + show.held_seats > 0 && (
          <label className="check-field">
            <input type="checkbox" name="notify_customers" />
            Move it and e-mail its customers ({plural(show.booked_seats, 'booked seat')}, {plural(show.held_seats, 'held seat')}): a new time or screen needs this
          </label>
        )}
      </EditRow>
    );
  }
  return (
    <tr>
      <th scope="row">
        <Link to={`/shows/${show.id}`}>{when}</Link>
      </th>
      <td>{show.screen_name}</td>
      <td data-label="Price">{formatPrice(show.price, show.currency)}</td>
      <td>
        {cancelled ? (
          <div className="cancelled-show">
            <span className="badge">Cancelled{show.cancelled_at ? ` ${formatDateTime(show.cancelled_at)}` : ''}</span>
            <ShowRefunds show={show} />
          </div>
        ) : (
          <Occupancy booked={show.booked_seats} held={show.held_seats} total={show.total_seats} />
        )}
      </td>
      <td className="row-actions">
        {confirmingCancel ? (
          <div className="confirm" role="group" aria-label={`Cancel the show of ${when}?`}>
            <p>
              Cancel this show? Its {plural(show.booked_seats, 'booked seat')} and any holds are cancelled, every paid order is refunded in full,
              each customer is told by e-mail, and the screen is free again. This cannot be undone.
            </p>
            <button type="button" className="button small danger" disabled={busy} onClick={() => void cancelShow()} autoFocus>
              Yes, cancel the show
            </button>
            <button type="button" className="button small secondary" disabled={busy} onClick={() => setConfirmingCancel(false)}>
              Keep it
            </button>
          </div>
        ) : confirmingDelete ? (
          <div className="confirm" role="group" aria-label={`Delete the show of ${when}?`}>
            <p>
              Delete this show? It leaves the programme and its seats are gone; this cannot be undone. A show with booked or held seats, or one that
              was ever paid for, is not deleted: cancel it instead.
            </p>
            <button type="button" className="button small danger" disabled={busy} onClick={() => void remove()} autoFocus>
              Yes, delete the show
            </button>
            <button type="button" className="button small secondary" disabled={busy} onClick={() => setConfirmingDelete(false)}>
              Keep it
            </button>
          </div>
        ) : (
          <div>
            <Link to={`/admin/shows/${show.id}/bookings`} className="button small secondary" aria-label={`Bookings of the show of ${when}`}>
              Bookings
            </Link>
            {!cancelled && (
              <button type="button" className="button small secondary" onClick={() => setEditing(true)} aria-label={`Edit the show of ${when}`}>
                Edit
              </button>
            )}
            {!cancelled && (
              <button type="button" className="button small danger" onClick={() => setConfirmingCancel(true)} aria-label={`Cancel the show of ${when}`}>
                Cancel show…
              </button>
            )}
            <button type="button" className="button small danger" onClick={() => setConfirmingDelete(true)} aria-label={`Delete the show of ${when}`}>
              Delete…
            </button>
          </div>
        )}
        <ProblemText problem={problem} />
      </td>
    </tr>
  );
}

/** A show's bookings that were paid for and then cancelled, every page of them: what was refunded, and for how many seats. */
async function refundsOf(showId: number): Promise<{ seats: number; amount: number }> {
  const refunded = { seats: 0, amount: 0 };
  for (let offset = 0; ; ) {
    const { data, response } = await call(api.GET('/shows/{id}/bookings', { params: { path: { id: showId }, query: { status: 'cancelled', limit: 200, offset } } }));
    const page = Array.isArray(data) ? data : [];
    // A cancelled booking that an order paid for was refunded its price (a cancelled show refunds every order in full).
    for (const booking of page) {
      if (booking.order_id !== null && booking.price > 0) {
        refunded.seats += 1;
        refunded.amount += booking.price;
      }
    }
    offset += page.length;
    if (page.length === 0 || offset >= totalOf(response)) return refunded;
  }
}

/** A cancelled show's money, from its bookings: how much was refunded, for how many paid seats. */
function ShowRefunds({ show }: { show: Show }) {
  const loaded = useLoad(() => refundsOf(show.id), String(show.id));
  if (loaded.status === 'loading') return <span className="refunds muted">Adding up the refunds…</span>;
  // Unknown amounts: what the cancellation did, in words.
  if (loaded.status === 'failed') return <span className="refunds">Every booking cancelled; every paid order refunded in full.</span>;
  const { seats, amount } = loaded.value;
  if (seats === 0) return <span className="refunds">No paid seats: nothing to refund.</span>;
  return (
    <span className="refunds">
      {formatMoney(amount, show.currency)} refunded for {plural(seats, 'paid seat')}.
    </span>
  );
}

/** A show's price per seat, typed in major units, and its currency (a new show's is EUR unless chosen). */
function PriceFields({ fields, show }: { fields: Record<string, string>; show?: Show }) {
  const currencies = show && !CURRENCIES.includes(show.currency) ? [show.currency, ...CURRENCIES] : CURRENCIES;
  return (
    <>
      <Field
        label="Price per seat"
        name="price"
        inputMode="decimal"
        defaultValue={show ? toMajorInput(show.price, show.currency) : ''}
        hint="For example 12.50; empty or 0 is free."
        error={fields.price}
      />
      <SelectField label="Currency" name="currency" options={currencies} defaultValue={show?.currency ?? DEFAULT_CURRENCY} error={fields.currency} />
    </>
  );
}
