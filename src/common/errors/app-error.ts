export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error a client is meant to see: an HTTP status, a stable UPPER_SNAKE code
 * for programs and a sentence for people. Modules subclass it with their own
 * code enums; the problem-details filter writes it out.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  CONFLICT_RETRY_EXHAUSTED = 'CONFLICT_RETRY_EXHAUSTED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  SHUTTING_DOWN = 'SHUTTING_DOWN',
}

export class ValidationFailedError extends AppError {
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(400, CommonErrorCode.VALIDATION_FAILED, detail, { errors });
  }

  static field(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ field, message }], `${field}: ${message}`);
  }
}
