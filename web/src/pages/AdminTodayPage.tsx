import { type FormEvent, useSyncExternalStore } from 'react';
import { api, call, type SalesCounts, type SalesReport, type Show } from '../api/client';
import { session } from '../api/session';
import { Link, navigate, useLocation } from '../router';
import { useLoad, useRefresh } from '../ui/async';
import { dayKey, formatCalendarDay, formatMoney, formatTime, isCalendarDay, shownTimeZone } from '../ui/format';
import { Field, PageTitle, Ready } from '../ui/parts';
import { StaffOnly } from './admin';

/** How often the day's figures are read again while the page is open. */
const REFRESH_MS = 10_000;

/** Staff and admins: the day's shows in the cinema's zone (today unless `?date=`), each with its seats and (admins) its money. */
export function AdminTodayPage() {
  return (
    <StaffOnly title="Today" staffToo>
      <Day />
    </StaffOnly>
  );
}

/**
 * The shows from GET /shows/?date= (today in the cinema's zone without one),
 * their sold, held and free seats as that list counts them; admins add the
 * sales report of the same day for the money (staff may not read it).
 */
async function loadDay(date: string | undefined, admin: boolean): Promise<{ shows: Show[]; report: SalesReport | null }> {
  const [shows, report] = await Promise.all([
    call(api.GET('/shows', { params: { query: { limit: 200, ...(date ? { date } : {}) } } })),
    admin ? call(api.GET('/reports/sales', { params: { query: date ? { from: date, to: date } : {} } })) : null,
  ]);
  return { shows: shows.data, report: report?.data ?? null };
}

/** Money by currency, in words ("€25.00 + $18.00"); a dash when the report has none to give. */
const money = (counts: Pick<SalesCounts, 'revenue'> | undefined) =>
  counts && counts.revenue.length > 0 ? counts.revenue.map((r) => formatMoney(r.amount, r.currency)).join(' + ') : '—';

function Day() {
  const { query } = useLocation();
  const asked = query.get('date') ?? '';
  const date = isCalendarDay(asked) ? asked : undefined;
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const admin = state.status === 'signed-in' && state.me?.role === 'admin';
  const loaded = useLoad(() => loadDay(date, admin), `${date ?? 'today'}:${admin}`);
  const { reload } = loaded;
  useRefresh(reload, REFRESH_MS);

  const pick = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const day = String(new FormData(event.currentTarget).get('date') ?? '');
    navigate(isCalendarDay(day) ? `/admin/today?date=${day}` : '/admin/today');
  };

  return (
    <section>
      <PageTitle title={date ? `Shows of ${date}` : 'Today'}>{date ? formatCalendarDay(date) : 'Today'}</PageTitle>
      <Ready loaded={loaded} what="the day's shows">
        {({ shows, report }) => {
          // The day the service listed (its clock decides what today is), else the browser's today in the cinema's zone.
          const day = report?.from ?? date ?? shows[0]?.local_date_time.slice(0, 10) ?? dayKey(new Date().toISOString());
          const sales = new Map(report?.days.flatMap((d) => d.shows.map((s) => [s.show_id, s] as const)));
          const totals = report?.days[0]?.totals;
          const sum = (count: (show: Show) => number) => shows.reduce((total, show) => total + count(show), 0);
          return (
            <>
              <form className="inline-form" onSubmit={pick} aria-label="Another day">
                <Field label="Day" name="date" type="date" defaultValue={day} key={day} />
                <button type="submit" className="button secondary">
                  Show the day
                </button>
                {date && <Link to="/admin/today">Back to today</Link>}
              </form>
              <p>
                {formatCalendarDay(day)}, cinema time ({shownTimeZone()}): {shows.length === 1 ? '1 show' : `${shows.length} shows`}.
                {!admin && ' Revenue is for admins.'}
              </p>
              {shows.length === 0 ? (
                <p>No shows on this day.</p>
              ) : (
                <table className="admin-table day-table">
                  <caption className="visually-hidden">Shows of {formatCalendarDay(day)}, with their seats{admin ? ' and revenue' : ''}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Starts</th>
                      <th scope="col">Movie</th>
                      <th scope="col">Screen</th>
                      <th scope="col" className="number">
                        Sold
                      </th>
                      <th scope="col" className="number">
                        Held
                      </th>
                      <th scope="col" className="number">
                        Free
                      </th>
                      {admin && (
                        <th scope="col" className="number">
                          Revenue
                        </th>
                      )}
                      <th scope="col">
                        <span className="visually-hidden">Bookings</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {shows.map((show) => {
                      const what = `${show.movie_title}, ${formatTime(show.date_time)}`;
                      return (
                        <tr key={show.id}>
                          <th scope="row">{formatTime(show.date_time)}</th>
                          <td>
                            {show.movie_title}
                            {show.status === 'cancelled' && (
                              <>
                                {' '}
                                <span className="badge">Cancelled</span>
                              </>
                            )}
                          </td>
                          <td>{show.screen_name}</td>
                          <td className="number" data-label="Sold">
                            {show.booked_seats}
                          </td>
                          <td className="number" data-label="Held">
                            {show.held_seats}
                          </td>
                          <td className="number" data-label="Free">
                            {show.available_seats}
                          </td>
                          {admin && (
                            <td className="number" data-label="Revenue">
                              {money(sales.get(show.id))}
                            </td>
                          )}
                          <td>
                            <Link to={`/admin/shows/${show.id}/bookings`} aria-label={`Bookings of ${what}`}>
                              Bookings
                            </Link>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row" colSpan={3}>
                        The day
                      </th>
                      <td className="number" data-label="Sold">
                        {sum((show) => show.booked_seats)}
                      </td>
                      <td className="number" data-label="Held">
                        {sum((show) => show.held_seats)}
                      </td>
                      <td className="number" data-label="Free">
                        {sum((show) => show.available_seats)}
                      </td>
                      {admin && (
                        <td className="number" data-label="Revenue">
                          {money(totals)}
                        </td>
                      )}
                      <td />
                    </tr>
                  </tfoot>
                </table>
              )}
            </>
          );
        }}
      </Ready>
    </section>
  );
}
