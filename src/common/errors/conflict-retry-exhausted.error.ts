import { AppError } from './app-error';

/** A collision PostgreSQL resolved by aborting us (40001, 40P01: 409; 55P03 lock timeout: 503); nothing was changed. */
export class ConflictRetryExhaustedError extends AppError {
  constructor(lockTimeout: boolean) {
    super(
      lockTimeout ? 503 : 409,
      lockTimeout ? 'LOCK_TIMEOUT' : 'CONCURRENT_UPDATE',
      lockTimeout
        ? 'The seats are busy right now; nothing was changed. Try again in a moment.'
        : 'The request collided with others and was not applied; nothing was changed. Try again.',
    );
  }
}
