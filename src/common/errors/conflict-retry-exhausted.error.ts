import { CommonError } from './app-error';

/** A collision PostgreSQL resolved by aborting us (40001, 40P01: 409; 55P03 lock timeout: 503); nothing was changed. */
export class ConflictRetryExhaustedError extends CommonError {
  constructor(lockTimeout: boolean) {
    super(lockTimeout ? 'LOCK_TIMEOUT' : 'CONCURRENT_UPDATE');
  }
}
