import { statement } from '../../database/statement';
import type { MovieResponse } from '../dto/movie.dto';

const MOVIE_COLUMNS = 'id, title, duration_minutes';

/** `pattern`: a LIKE pattern (see likeContains) or NULL for every movie. */
/** A page of movies and, on each row, how many match in all (one round trip; COUNT_MOVIES when the page is empty). */
export const LIST_MOVIES = statement<[pattern: string | null, limit: number, offset: number], MovieResponse & { total: number }>({
  name: 'list-movies',
  text: `SELECT ${MOVIE_COLUMNS}, count(*) OVER ()::int AS total FROM movies WHERE ($1::text IS NULL OR title ILIKE $1) ORDER BY id LIMIT $2 OFFSET $3`,
});

export const COUNT_MOVIES = statement<[pattern: string | null], { total: number }>({
  name: 'count-movies',
  text: `SELECT count(*)::int AS total FROM movies WHERE ($1::text IS NULL OR title ILIKE $1)`,
});

export const GET_MOVIE = statement<[movieId: number], MovieResponse>({
  name: 'get-movie',
  text: `SELECT ${MOVIE_COLUMNS} FROM movies WHERE id = $1`,
});

/** FOR SHARE: a show's ends_at is computed from this duration, which cannot change under the caller. */
export const SHARE_MOVIE_DURATION = statement<[movieId: number], { duration_minutes: number }>({
  name: 'share-movie-duration',
  text: `SELECT duration_minutes FROM movies WHERE id = $1 FOR SHARE`,
});

export const INSERT_MOVIE = statement<[title: string, durationMinutes: number], MovieResponse>({
  name: 'insert-movie',
  text: `INSERT INTO movies (title, duration_minutes) VALUES ($1, $2) RETURNING ${MOVIE_COLUMNS}`,
});

export const UPDATE_MOVIE = statement<[movieId: number, title: string | null, durationMinutes: number | null], MovieResponse>({
  name: 'update-movie',
  text: `
UPDATE movies SET title = coalesce($2, title), duration_minutes = coalesce($3, duration_minutes)
 WHERE id = $1
RETURNING ${MOVIE_COLUMNS}`,
});

export const DELETE_MOVIE = statement<[movieId: number], { id: number }>({
  name: 'delete-movie',
  text: `DELETE FROM movies WHERE id = $1 RETURNING id`,
});
