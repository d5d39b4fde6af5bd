import { api, call, type Show } from '../api/client';
import { Link } from '../router';
import { useLoad } from '../ui/async';
import { dayKey, formatDay, formatPrice, formatTime, plural } from '../ui/format';
import { PageTitle, Ready } from '../ui/parts';

/** A movie's shows, grouped by day (the cinema's time zone). */
function byDay(shows: Show[]): { day: string; shows: Show[] }[] {
  const days = new Map<string, { day: string; shows: Show[] }>();
  for (const show of shows) {
    const key = dayKey(show.date_time);
    if (!days.has(key)) days.set(key, { day: formatDay(show.date_time), shows: [] });
    days.get(key)!.shows.push(show);
  }
  return [...days.values()];
}

export function MoviePage({ id }: { id: number }) {
  const loaded = useLoad(async () => {
    const [movie, shows] = await Promise.all([
      call(api.GET('/movies/{id}', { params: { path: { id } } })),
      call(api.GET('/movies/{id}/shows', { params: { path: { id }, query: { limit: 200 } } })),
    ]);
    return { movie: movie.data, shows: shows.data.filter((show) => Date.parse(show.date_time) > Date.now()) };
  }, String(id));

  return (
    <Ready loaded={loaded} what="the movie">
      {({ movie, shows }) => (
        <section>
          <PageTitle title={movie.title}>{movie.title}</PageTitle>
          <p className="muted">{movie.duration_minutes} minutes</p>
          <h2>Shows</h2>
          {shows.length === 0 && <p>No upcoming shows.</p>}
          {byDay(shows).map(({ day, shows }) => (
            <section key={day} className="day" aria-label={day}>
              <h3>{day}</h3>
              <ul className="show-times">
                {shows.map((show) => (
                  <li key={show.id}>
                    <Link to={`/shows/${show.id}`} className="show-time">
                      <span className="time">{formatTime(show.date_time)}</span>
                      <span className="where">{show.screen_name}</span>
                      <span className="price">{formatPrice(show.price, show.currency)}</span>
                      <span className={show.status === 'cancelled' || show.available_seats === 0 ? 'seats-left none' : 'seats-left'}>
                        {show.status === 'cancelled' ? 'Cancelled' : show.available_seats === 0 ? 'Sold out' : `${plural(show.available_seats, 'seat')} free`}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          <p>
            <Link to="/">All movies</Link>
          </p>
        </section>
      )}
    </Ready>
  );
}
