import { useEffect, useState } from 'react';
import { api, type ApiProblem, call, type Movie, totalOf } from '../api/client';
import { Link, navigate, useLocation } from '../router';
import { toProblem, useLoad } from '../ui/async';
import { PageTitle, ProblemText, Ready } from '../ui/parts';
import { plural } from '../ui/format';
import { homePath, WhatsOn } from './WhatsOn';

const PAGE = 50;

/**
 * The home page: what's on (a day's shows, each a button to its seats), then
 * every movie, searchable by title. The day and the search are in the address,
 * so they can be shared and survive a reload.
 */
export function MoviesPage() {
  const { query } = useLocation();
  const search = query.get('search') ?? '';
  const [typed, setTyped] = useState(search);
  const [more, setMore] = useState<Movie[]>([]);
  const [moreProblem, setMoreProblem] = useState<ApiProblem | null>(null);

  useEffect(() => setTyped(search), [search]);
  // The address follows the search box a moment after typing stops.
  useEffect(() => {
    if (typed === search) return;
    const timer = setTimeout(() => navigate(homePath({ search: typed }), { replace: true }), 250);
    return () => clearTimeout(timer);
  }, [typed, search]);

  const loaded = useLoad(async () => {
    setMore([]);
    const { data, response } = await call(api.GET('/movies', { params: { query: { search: search || undefined, limit: PAGE } } }));
    return { movies: data, total: totalOf(response) };
  }, search);

  const loadMore = async (offset: number) => {
    try {
      setMoreProblem(null);
      const { data } = await call(api.GET('/movies', { params: { query: { search: search || undefined, limit: PAGE, offset } } }));
      setMore((shown) => [...shown, ...data]);
    } catch (error) {
      setMoreProblem(toProblem(error));
    }
  };

  return (
    <section>
      <PageTitle title="What's on">What's on</PageTitle>
      <WhatsOn />
      <h2 className="all-movies">All movies</h2>
      <form role="search" className="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="movie-search">Search by title</label>
        <input id="movie-search" type="search" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
      </form>
      <Ready loaded={loaded} what="movies">
        {({ movies, total }) => {
          const all = [...movies, ...more];
          return (
            <>
              <p className="muted" aria-live="polite">
                {search ? `${plural(total, 'movie')} match “${search}”.` : `${plural(total, 'movie')}.`}
              </p>
              <ul className="cards">
                {all.map((movie) => (
                  <li key={movie.id} className="card">
                    <h3>
                      <Link to={`/movies/${movie.id}`}>{movie.title}</Link>
                    </h3>
                    <p className="muted">{movie.duration_minutes} minutes</p>
                  </li>
                ))}
              </ul>
              {all.length < total && (
                <button type="button" className="button secondary" onClick={() => void loadMore(all.length)}>
                  Show more movies
                </button>
              )}
              <ProblemText problem={moreProblem} />
            </>
          );
        }}
      </Ready>
    </section>
  );
}
