import { errorsOf } from '../common/errors/app-error';

const CINEMA_ERRORS = {
  CINEMA_NOT_FOUND: { status: 404, detail: 'No cinema has this id (GET /cinemas/ lists them).' },
};

export class CinemaError extends errorsOf(CINEMA_ERRORS) {}
