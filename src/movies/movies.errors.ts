import { errorsOf } from '../common/errors/app-error';

const MOVIE_ERRORS = {
  MOVIE_NOT_FOUND: { status: 404, detail: 'No movie has this id.' },
  MOVIE_HAS_SHOWS: { status: 409, detail: 'The movie still has shows; delete them first.' },
};

export type MovieErrorCode = keyof typeof MOVIE_ERRORS;

export class MovieError extends errorsOf(MOVIE_ERRORS) {}
