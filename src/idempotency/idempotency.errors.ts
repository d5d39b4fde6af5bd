import { errorsOf } from '../common/errors/app-error';

const IDEMPOTENCY_ERRORS = {
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    detail: 'This Idempotency-Key was already used with a different request; use a new key for a new request.',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    detail: 'A request with this Idempotency-Key is still being processed; retry shortly to get its answer.',
    transient: true,
  },
};

export type IdempotencyErrorCode = keyof typeof IDEMPOTENCY_ERRORS;

export class IdempotencyError extends errorsOf(IDEMPOTENCY_ERRORS) {}
