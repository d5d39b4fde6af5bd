import { useRef } from 'react';
import { api, call, type Show } from '../api/client';
import { Link, navigate, useLocation } from '../router';
import { announce } from '../ui/announce';
import { useLoad } from '../ui/async';
import { addDays, dayKey, formatCalendarDay, formatPrice, formatShortCalendarDay, formatTime, isCalendarDay, plural } from '../ui/format';
import { Ready } from '../ui/parts';

/** The days offered as buttons: today and the six after it. */
const DAYS = 7;

/** The home page's address with `changes` made to its query (`day`, `search`), the rest kept; a null or empty value drops its name. */
export function homePath(changes: Record<string, string | null>): string {
  const query = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value) query.set(name, value);
    else query.delete(name);
  }
  const text = query.toString();
  return text ? `/?${text}` : '/';
}

/** "Today", "Tomorrow", else the weekday, as a day's button names it. */
const dayName = (day: string, today: string) => (day === today ? 'Today' : day === addDays(today, 1) ? 'Tomorrow' : formatShortCalendarDay(day)[0]);
/** "Today, Wednesday 10 December 2025"; a later day in words alone. */
const dayInWords = (day: string, today: string) => {
  const name = dayName(day, today);
  return name === 'Today' || name === 'Tomorrow' ? `${name}, ${formatCalendarDay(day)}` : formatCalendarDay(day);
};

/** Few seats left: at most 10, and at most a fifth of the show's. */
const few = (show: Show) => show.available_seats <= Math.min(10, Math.ceil(show.total_seats / 5));

/** What a showtime's button says of its seats, and how it looks. */
function seatsOf(show: Show): { text: string; className: string } {
  if (show.status === 'cancelled') return { text: 'Cancelled', className: 'seats-left none' };
  if (show.available_seats === 0) return { text: 'Sold out', className: 'seats-left none' };
  if (few(show)) return { text: `Only ${show.available_seats} left`, className: 'seats-left few' };
  return { text: `${plural(show.available_seats, 'seat')} free`, className: 'seats-left' };
}

/** The day's shows that have not started, one group per movie, the movie with the earliest show first (the API lists them by start). */
function byMovie(shows: Show[]): { id: number; title: string; shows: Show[] }[] {
  const movies = new Map<number, { id: number; title: string; shows: Show[] }>();
  for (const show of shows) {
    if (!movies.has(show.movie_id)) movies.set(show.movie_id, { id: show.movie_id, title: show.movie_title, shows: [] });
    movies.get(show.movie_id)!.shows.push(show);
  }
  return [...movies.values()];
}

const showsOn = async (date: string, limit: number) => (await call(api.GET('/shows', { params: { query: { date, limit } } }))).data;

/**
 * The day's shows (GET /shows/?date=, a day in the cinema's zone) that have not
 * started; when there are none, the next day of the row that has any (one show
 * of each later day is enough to know), if finding it works.
 */
async function loadDay(day: string, later: string[]): Promise<{ shows: Show[]; started: number; next: string | null }> {
  const all = await showsOn(day, 200);
  const shows = all.filter((show) => Date.parse(show.date_time) > Date.now());
  let next: string | null = null;
  if (shows.length === 0 && later.length > 0) {
    try {
      const firsts = await Promise.all(later.map((d) => showsOn(d, 1)));
      next = later.find((_, i) => firsts[i].length > 0) ?? null;
    } catch {
      next = null;
    }
  }
  return { shows, started: all.length - shows.length, next };
}

/**
 * What's on: a button for each of the next seven days (the day in the address,
 * `?day=`, today without one), and the chosen day's shows by movie, each
 * showtime a button to its seat map. Days are the cinema's, whatever the
 * browser's zone.
 */
export function WhatsOn() {
  const { query } = useLocation();
  const today = dayKey(new Date().toISOString());
  const asked = query.get('day') ?? '';
  // A day gone by (an old link) is today.
  const day = isCalendarDay(asked) && asked >= today ? asked : today;
  const row = Array.from({ length: DAYS }, (_, i) => addDays(today, i));
  const picked = useRef(false);

  const loaded = useLoad(async () => {
    const result = await loadDay(day, row.filter((d) => d > day));
    if (picked.current) {
      picked.current = false;
      announce(`${dayInWords(day, today)}: ${plural(result.shows.length, 'show')}.`);
    }
    return result;
  }, day);

  const pick = (next: string) => {
    if (next === day) return;
    picked.current = true;
    navigate(homePath({ day: next === today ? null : next }));
  };

  return (
    <section className="whats-on" aria-labelledby="whats-on-day">
      <div className="day-picker" role="group" aria-label="Day">
        {row.map((d) => {
          const date = formatShortCalendarDay(d)[1];
          return (
            <button key={d} type="button" className="day-button" aria-pressed={d === day} onClick={() => pick(d)}>
              <span className="day-name">{dayName(d, today)}</span> <span className="day-date">{date}</span>
            </button>
          );
        })}
      </div>
      <h2 id="whats-on-day">{dayInWords(day, today)}</h2>
      <Ready loaded={loaded} what="the day's shows">
        {({ shows, started, next }) => {
          if (shows.length === 0) {
            return (
              <p>
                {day === today ? (started > 0 ? 'No more shows today.' : 'No shows today.') : `No shows on ${formatCalendarDay(day)}.`}
                {next && (
                  <>
                    {' '}
                    <Link
                      to={homePath({ day: next })}
                      onClick={() => {
                        picked.current = true;
                      }}
                    >
                      Next shows: {dayInWords(next, today)}
                    </Link>
                  </>
                )}
              </p>
            );
          }
          return (
            <ul className="whats-on-movies">
              {byMovie(shows).map((movie) => (
                <li key={movie.id} className="card">
                  <h3>
                    <Link to={`/movies/${movie.id}`}>{movie.title}</Link>
                  </h3>
                  <ul className="show-times">
                    {movie.shows.map((show) => {
                      const time = formatTime(show.date_time);
                      const seats = seatsOf(show);
                      const price = show.status === 'cancelled' ? null : formatPrice(show.price, show.currency);
                      return (
                        <li key={show.id}>
                          <Link
                            to={`/shows/${show.id}`}
                            className={show.status === 'cancelled' ? 'show-time cancelled' : 'show-time'}
                            aria-label={[movie.title, time, show.screen_name, price, seats.text].filter(Boolean).join(', ')}
                          >
                            <span className="time">{time}</span>
                            <span className="where">{show.screen_name}</span>
                            {price && <span className="price">{price}</span>}
                            <span className={seats.className}>{seats.text}</span>
                          </Link>
                        </li>
                      );
                    })}
                  </ul>
                </li>
              ))}
            </ul>
          );
        }}
      </Ready>
    </section>
  );
}
