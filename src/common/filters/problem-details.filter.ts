import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, FieldError } from '../errors/app-error';
import { ConflictRetryExhaustedError } from '../errors/conflict-retry-exhausted.error';
import { isDatabaseUnavailable, isRetryablePgError, pgCode, PgCode } from '../errors/pg-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * SQLSTATE 22021: text PostgreSQL cannot store. A JavaScript string becomes valid UTF-8 on the wire,
 * so the only way here is a NUL character in client input: the client's mistake, not a 500.
 */
const UNSTORABLE_CHARACTER = '22021';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  request_id?: string;
  [extra: string]: unknown;
}

/** Codes for the framework's own HTTP errors, where no module said anything more precise. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'NOT_AUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own errors (body parsing, content type, size) carry a statusCode and an FST_ code. */
const FASTIFY_DETAIL: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['MALFORMED_JSON', 'The request body is empty but its content type says JSON.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'The request body is larger than this service accepts.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['BAD_REQUEST', 'The Content-Length header does not match the body.'],
};

export function problem(status: number, code: string, detail: string, extras: Record<string, unknown> = {}): ProblemDetails {
  return {
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extras,
  };
}

/**
 * Turns any error, from any layer, into an RFC 9457 problem. Known errors keep
 * their code; unknown ones become a 500 that says nothing internal and carries
 * the request id, which is logged together with the stack.
 */
export function toProblem(error: unknown, requestId: string, logger: Logger): ProblemDetails {
  if (error instanceof AppError) {
    return problem(error.status, error.code, error.detail, error.extras);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    // Nest hands Fastify's own errors (body parsing, size, media type) over as HttpException(message, status).
    if (typeof body === 'string') return fromFrameworkMessage(status, body);
    const extras = body as Record<string, unknown>;
    const code = typeof extras.code === 'string' ? extras.code : (CODE_BY_STATUS[status] ?? 'HTTP_ERROR');
    return problem(status, code, httpExceptionDetail(status, extras));
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const known = fastifyError.code ? FASTIFY_DETAIL[fastifyError.code] : undefined;
    if (known) return problem(fastifyError.statusCode, known[0], known[1]);
    const isJsonSyntax = error instanceof SyntaxError;
    return problem(
      fastifyError.statusCode,
      isJsonSyntax ? 'MALFORMED_JSON' : (CODE_BY_STATUS[fastifyError.statusCode] ?? 'BAD_REQUEST'),
      isJsonSyntax ? 'The request body is not valid JSON.' : 'The request could not be processed.',
    );
  }
  if (pgCode(error) === UNSTORABLE_CHARACTER) {
    return problem(400, 'VALIDATION_FAILED', 'The request contains a character that cannot be stored (a NUL byte).', { errors: [] });
  }
  // Safety net for a route without @RetryOnConflict(): a collision is the client's to retry, not a 500.
  if (isRetryablePgError(error)) {
    logger.warn(`request ${requestId}: ${pgCode(error)} reached the filter`);
    const collision = new ConflictRetryExhaustedError(pgCode(error) === PgCode.LOCK_NOT_AVAILABLE);
    return problem(collision.status, collision.code, collision.detail);
  }
  if (isDatabaseUnavailable(error)) {
    logger.error(`request ${requestId}: database unavailable: ${(error as Error)?.message}`);
    return problem(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again shortly.', {
      request_id: requestId,
    });
  }
  logger.error(`request ${requestId}: unhandled error`, (error as Error)?.stack ?? String(error));
  return problem(500, 'INTERNAL_ERROR', `Something went wrong on our side. Quote request id ${requestId} if you report it.`, {
    request_id: requestId,
  });
}

function fromFrameworkMessage(status: number, message: string): ProblemDetails {
  if (status === 400 && /JSON|Body cannot be empty/i.test(message)) {
    return problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  if (status === 413) return problem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this service accepts.');
  if (status === 415) return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
  return problem(status, CODE_BY_STATUS[status] ?? 'HTTP_ERROR', httpExceptionDetail(status, {}));
}

function httpExceptionDetail(status: number, body: Record<string, unknown>): string {
  if (status === HttpStatus.NOT_FOUND) return 'There is nothing at this address.';
  if (status === HttpStatus.UNAUTHORIZED) return 'Authentication is required: send a valid access token.';
  if (status === HttpStatus.FORBIDDEN) return 'You are not allowed to do this.';
  const message = body.message;
  if (typeof message === 'string' && !/\b(sql|select|insert|update|stack)\b/i.test(message)) return message;
  return STATUS_CODES[status] ?? 'Request failed.';
}

/** Where sendProblem notes the code of the problem it sent, for the metrics hook. */
export const PROBLEM_CODE = Symbol('problemCode');

export function sendProblem(reply: FastifyReply, body: ProblemDetails): void {
  (reply as FastifyReply & { [PROBLEM_CODE]?: string })[PROBLEM_CODE] = body.code;
  if (body.status === 405 && !reply.hasHeader('allow')) reply.header('allow', 'GET, POST, PATCH, DELETE');
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) return;
    if (error instanceof AppError) for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
    sendProblem(reply, toProblem(error, String(request.id), this.logger));
  }
}
