import { AppError } from '../common/errors/app-error';

export enum MovieErrorCode {
  MOVIE_NOT_FOUND = 'MOVIE_NOT_FOUND',
  MOVIE_HAS_SHOWS = 'MOVIE_HAS_SHOWS',
}

export class MovieNotFoundError extends AppError {
  constructor() {
    super(404, MovieErrorCode.MOVIE_NOT_FOUND, 'No movie has this id.');
  }
}

export class MovieHasShowsError extends AppError {
  constructor() {
    super(409, MovieErrorCode.MOVIE_HAS_SHOWS, 'The movie still has shows; delete them first.');
  }
}
