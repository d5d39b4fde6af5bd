import {
  ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  Logger,
  MethodNotAllowedException,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { errorsOf, ValidationFailedError } from '../errors/app-error';
import { ProblemDetailsFilter, ProblemDetails } from './problem-details.filter';

const REQUEST_ID = 'req-42';

/** A module's errors, made the way every feature makes its own (the filter knows none of them). */
class SampleError extends errorsOf({
  SEAT_TAKEN: { status: 409, detail: 'The seat is already booked.' },
  SHOW_STARTED: { status: 409, detail: 'The show has already started; its seats can no longer be sold or held.' },
}) {}

interface FakeReply {
  sent: boolean;
  raw: { headersSent: boolean };
  statusCode: number;
  headers: Record<string, string>;
  body: ProblemDetails | undefined;
  status: jest.Mock<FakeReply, [number]>;
  header: jest.Mock<FakeReply, [string, string]>;
  hasHeader: jest.Mock<boolean, [string]>;
  send: jest.Mock<FakeReply, [ProblemDetails]>;
}

/** Just enough of a Fastify reply to see what the filter writes. */
function fakeReply(alreadySent = false): FakeReply {
  const reply: FakeReply = {
    sent: alreadySent,
    raw: { headersSent: alreadySent },
    statusCode: 200,
    headers: {} as Record<string, string>,
    body: undefined,
    status: jest.fn((code: number) => {
      reply.statusCode = code;
      return reply;
    }),
    header: jest.fn((name: string, value: string) => {
      reply.headers[name.toLowerCase()] = value;
      return reply;
    }),
    hasHeader: jest.fn((name: string) => name.toLowerCase() in reply.headers),
    send: jest.fn((body: ProblemDetails) => {
      reply.body = body;
      return reply;
    }),
  };
  return reply;
}

describe('ProblemDetailsFilter', () => {
  let sut: ProblemDetailsFilter;
  let logged: jest.SpyInstance;

  beforeEach(() => {
    sut = new ProblemDetailsFilter();
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  function answer(error: unknown) {
    const reply = fakeReply();
    const host = {
      switchToHttp: () => ({ getRequest: () => ({ id: REQUEST_ID }), getResponse: () => reply }),
    } as unknown as ArgumentsHost;
    sut.catch(error, host);
    expect(reply.send).toHaveBeenCalledTimes(1);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body?.status).toBe(reply.statusCode);
    return { status: reply.statusCode, body: reply.body as ProblemDetails, headers: reply.headers };
  }

  describe('AppError', () => {
    it('keeps its status, code, detail and extras', () => {
      expect(answer(new SampleError('SEAT_TAKEN', 'Already booked: seat 3, 5.', { seats: [3, 5] }))).toEqual({
        status: 409,
        headers: { 'content-type': 'application/problem+json' },
        body: {
          type: '/problems/seat-taken',
          title: 'Conflict',
          status: 409,
          detail: 'Already booked: seat 3, 5.',
          code: 'SEAT_TAKEN',
          seats: [3, 5],
        },
      });
      expect(logged).not.toHaveBeenCalled();
    });

    it('carries the field errors of a validation failure', () => {
      const { status, body } = answer(ValidationFailedError.field('seat_number', 'must be an integer number'));
      expect(status).toBe(400);
      expect(body).toMatchObject({
        type: '/problems/validation-failed',
        title: 'Bad Request',
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'seat_number', message: 'must be an integer number' }],
      });
    });

    it('works for every module’s errors, e.g. SHOW_STARTED', () => {
      expect(answer(new SampleError('SHOW_STARTED')).body).toMatchObject({ status: 409, code: 'SHOW_STARTED', type: '/problems/show-started' });
    });
  });

  describe('HttpException', () => {
    it.each([
      [new NotFoundException(), 404, 'NOT_FOUND', 'There is nothing at this address.'],
      [new UnauthorizedException(), 401, 'NOT_AUTHENTICATED', 'Authentication is required: send a valid access token.'],
      [new ForbiddenException(), 403, 'FORBIDDEN', 'You are not allowed to do this.'],
      [new BadRequestException('seat_number must be an integer'), 400, 'BAD_REQUEST', 'seat_number must be an integer'],
      [new HttpException({ message: 'custom', code: 'TEAPOT' }, 418), 418, 'TEAPOT', 'custom'],
    ])('%s → %i %s', (error, status, code, detail) => {
      expect(answer(error)).toMatchObject({ status, body: { status, code, detail, title: expect.any(String), type: expect.any(String) } });
    });

    it('does not echo a message that looks like SQL', () => {
      const { body } = answer(new BadRequestException('insert into users failed: select * from password_hash'));
      expect(body.detail).toBe('Bad Request');
      expect(JSON.stringify(body)).not.toMatch(/insert|select|password_hash/i);
    });

    it('names framework body errors: broken JSON is 400 MALFORMED_JSON, an oversized body 413', () => {
      expect(answer(new HttpException('Unexpected token } in JSON at position 12', 400)).body).toMatchObject({ code: 'MALFORMED_JSON' });
      expect(answer(new HttpException('Request body is too large', 413)).body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('adds an Allow header to a 405', () => {
      const { headers, body } = answer(new MethodNotAllowedException());
      expect(body.code).toBe('METHOD_NOT_ALLOWED');
      expect(headers.allow).toEqual(expect.any(String));
    });
  });

  describe('unknown errors', () => {
    const internals = /relation|bookings|password_hash|INSERT|at \w+ \(|\.ts:\d+|node_modules|secret/i;

    it('become a 500 that says only that something failed, with the request id, and the stack goes to the log', () => {
      const error = new Error('relation "bookings" does not exist; password_hash=secret');
      const { status, body } = answer(error);
      expect(status).toBe(500);
      expect(body).toEqual({
        type: '/problems/internal-error',
        title: 'Internal Server Error',
        status: 500,
        code: 'INTERNAL_ERROR',
        detail: expect.stringContaining(REQUEST_ID),
        request_id: REQUEST_ID,
      });
      expect(JSON.stringify(body)).not.toMatch(internals);
      expect(logged).toHaveBeenCalledWith(expect.stringContaining(REQUEST_ID), error.stack);
    });

    it('hides a failed query: no SQL, parameters or driver message reach the client', () => {
      const driverError = Object.assign(new Error('null value in column "user_id" of relation "bookings"'), { code: '23502', severity: 'ERROR' });
      const error = new QueryFailedError('INSERT INTO bookings (user_id) VALUES ($1)', ['secret-param'], driverError);
      const { status, body } = answer(error);
      expect(status).toBe(500);
      expect(body.request_id).toBe(REQUEST_ID);
      expect(JSON.stringify(body)).not.toMatch(internals);
      expect(JSON.stringify(body)).not.toContain('secret-param');
    });

    it.each([['a string', 'boom'], ['undefined', undefined], ['null', null], ['a plain object', { reason: 'x' }]])(
      'handles %s thrown as an error',
      (_name, thrown) => {
        const { status, body } = answer(thrown);
        expect(status).toBe(500);
        expect(body).toMatchObject({ code: 'INTERNAL_ERROR', request_id: REQUEST_ID });
      },
    );

    it('answers 503 SERVICE_UNAVAILABLE, with the request id, when the database cannot be reached', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const { status, body } = answer(refused);
      expect(status).toBe(503);
      expect(body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', request_id: REQUEST_ID });
      expect(JSON.stringify(body)).not.toMatch(/5432|ECONNREFUSED|127\.0\.0\.1/);
    });
  });

  it('writes nothing when the reply has already been sent', () => {
    const reply = fakeReply(true);
    const host = {
      switchToHttp: () => ({ getRequest: () => ({ id: REQUEST_ID }), getResponse: () => reply }),
    } as unknown as ArgumentsHost;
    sut.catch(new Error('late'), host);
    expect(reply.send).not.toHaveBeenCalled();
    expect(reply.status).not.toHaveBeenCalled();
  });
});
