export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error a client is meant to see: an HTTP status, a stable UPPER_SNAKE code
 * for programs and a sentence for people. The problem-details filter writes it
 * out as RFC 9457 problem+json.
 */
export class AppError extends Error {
  /** Response headers that belong to this answer (Retry-After, RateLimit...). */
  headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }

  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }

  /** "Collided or too soon, try again": the same request may well succeed in a moment (see ErrorSpec.transient). */
  get transient(): boolean {
    return false;
  }
}

/** What one error code answers: its status and the sentence it says unless told otherwise. */
export interface ErrorSpec {
  status: number;
  detail: string;
  /**
   * The answer is of the moment, not of the request (a collision, a limit, a
   * cooldown): the same request may succeed later, so nothing may keep it as
   * the request's final answer (an idempotency key is not bound to it).
   */
  transient?: boolean;
}

/**
 * Every module's errors have this one shape: a table from code to status and
 * default detail (exhaustive by its type: a code without an entry does not
 * compile) and one class made from it, `new XError(code, detail?, extras?)`.
 */
export function errorsOf<Code extends string>(table: Record<Code, ErrorSpec>) {
  return class ModuleError extends AppError {
    /** The table itself, so what documents a route's answers reads each code's status from here (see apiProblemsFrom). */
    static readonly table: Readonly<Record<Code, ErrorSpec>> = table;

    constructor(code: Code, detail: string = table[code].detail, extras: Record<string, unknown> = {}) {
      super(table[code].status, code, detail, extras);
    }

    override get transient(): boolean {
      return table[this.code as Code].transient === true;
    }
  };
}

const COMMON_ERRORS = {
  VALIDATION_FAILED: { status: 400, detail: 'The request is not valid.' },
  NOT_FOUND: { status: 404, detail: 'There is nothing at this address.' },
  SERVICE_UNAVAILABLE: { status: 503, detail: 'The service is temporarily unavailable. Try again shortly.', transient: true },
  SHUTTING_DOWN: { status: 503, detail: 'This server is shutting down; retry the request.', transient: true },
  CONCURRENT_UPDATE: { status: 409, detail: 'The request collided with others and was not applied; nothing was changed. Try again.', transient: true },
  LOCK_TIMEOUT: { status: 503, detail: 'The seats are busy right now; nothing was changed. Try again in a moment.', transient: true },
  RATE_LIMITED: { status: 429, detail: 'Too many requests.', transient: true },
  SHOW_BUSY: { status: 503, detail: 'Many customers are booking this show right now; come back with your ticket when Retry-After says.', transient: true },
} satisfies Record<string, ErrorSpec>;

export type CommonErrorCode = keyof typeof COMMON_ERRORS;

/** Errors of no module in particular: validation, availability, collisions PostgreSQL resolved by aborting us. */
export class CommonError extends errorsOf(COMMON_ERRORS) {}

export class ValidationFailedError extends CommonError {
  constructor(errors: FieldError[], detail = COMMON_ERRORS.VALIDATION_FAILED.detail) {
    super('VALIDATION_FAILED', detail, { errors });
  }

  static field(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ field, message }], `${field}: ${message}`);
  }
}
