import { CallHandler, ExecutionContext, HttpException, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, lastValueFrom } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { AppError } from '../errors/app-error';
import {
  backoffDelay,
  ConflictRetryExhaustedError,
  DEFAULT_RETRY,
  RetryOnConflict,
  RetryOnConflictInterceptor,
} from './retry-on-conflict.interceptor';

class Handlers {
  @RetryOnConflict()
  retried(): void {}

  @RetryOnConflict({ attempts: 5 })
  retriedFiveTimes(): void {}

  @RetryOnConflict({ baseDelayMs: 1000, maxDelayMs: 1500 })
  slowBackoff(): void {}

  plain(): void {}
}

const contextFor = (handler: keyof Handlers) =>
  ({ getHandler: () => Handlers.prototype[handler], getClass: () => Handlers }) as unknown as ExecutionContext;

/** What TypeORM throws for a failed query: the driver's error, with its SQLSTATE, inside a QueryFailedError. */
const pgError = (code: string) =>
  new QueryFailedError('SELECT 1 FROM seats FOR UPDATE', [], Object.assign(new Error(`pg error ${code}`), { code, severity: 'ERROR' }));

/**
 * A handler that throws each given error in turn, then answers 'ok'. Like Nest's,
 * `next.handle()` runs the handler once per subscription.
 */
function handlerFailingWith(...errors: unknown[]) {
  const queue = [...errors];
  const run = jest.fn(async () => {
    if (queue.length > 0) throw queue.shift();
    return 'ok';
  });
  const next: CallHandler = { handle: () => defer(() => run()) };
  return { run, next };
}

/** Settles the interceptor's observable; a rejection comes back as the error value, so nothing is left unhandled. */
const outcome = (promise: Promise<unknown>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }));

describe('RetryOnConflictInterceptor', () => {
  let sut: RetryOnConflictInterceptor;

  beforeEach(() => {
    sut = new RetryOnConflictInterceptor(new Reflector());
    // No jitter wait unless a test asks for one; and no log noise.
    jest.spyOn(Math, 'random').mockReturnValue(0);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const intercept = (handler: keyof Handlers, next: CallHandler) => lastValueFrom(sut.intercept(contextFor(handler), next));

  describe('on handlers without @RetryOnConflict()', () => {
    it('passes the answer through', async () => {
      const { run, next } = handlerFailingWith();
      await expect(intercept('plain', next)).resolves.toBe('ok');
      expect(run).toHaveBeenCalledTimes(1);
    });

    it('never retries, even a deadlock, and hands the error on unchanged', async () => {
      const deadlock = pgError('40P01');
      const { run, next } = handlerFailingWith(deadlock);
      await expect(intercept('plain', next)).rejects.toBe(deadlock);
      expect(run).toHaveBeenCalledTimes(1);
    });
  });

  describe('on handlers with @RetryOnConflict()', () => {
    it.each(['40001', '40P01', '55P03'])('re-runs the handler after SQLSTATE %s and answers what the next attempt answers', async (code) => {
      const { run, next } = handlerFailingWith(pgError(code));
      await expect(intercept('retried', next)).resolves.toBe('ok');
      expect(run).toHaveBeenCalledTimes(2);
    });

    it('also recognises the bare driver error (not wrapped by TypeORM)', async () => {
      const bare = Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' });
      const { run, next } = handlerFailingWith(bare, bare);
      await expect(intercept('retried', next)).resolves.toBe('ok');
      expect(run).toHaveBeenCalledTimes(3);
    });

    it('makes at most 3 attempts, then answers 409 CONCURRENT_UPDATE for deadlocks', async () => {
      const { run, next } = handlerFailingWith(...Array.from({ length: 6 }, () => pgError('40P01')));
      const result = await outcome(intercept('retried', next));
      expect(run).toHaveBeenCalledTimes(3);
      expect(DEFAULT_RETRY.attempts).toBe(3);
      expect(result).toEqual({ error: expect.any(ConflictRetryExhaustedError) });
      expect((result as { error: AppError }).error).toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
    });

    it.each([
      ['40001', 409, 'CONCURRENT_UPDATE'],
      ['40P01', 409, 'CONCURRENT_UPDATE'],
      ['55P03', 503, 'LOCK_TIMEOUT'],
    ])('after 3 × %s it gives up with %i %s, and says nothing internal', async (code, status, appCode) => {
      const { run, next } = handlerFailingWith(pgError(code), pgError(code), pgError(code));
      const { error } = (await outcome(intercept('retried', next))) as { error: AppError };
      expect(error).toBeInstanceOf(ConflictRetryExhaustedError);
      expect(error).toMatchObject({ status, code: appCode });
      expect(error.detail).not.toMatch(/SELECT|FOR UPDATE|pg error|40P01|55P03|40001/);
      expect(run).toHaveBeenCalledTimes(3);
    });

    it('judges by the last failure: two deadlocks then a lock timeout is 503 LOCK_TIMEOUT', async () => {
      const { next } = handlerFailingWith(pgError('40P01'), pgError('40P01'), pgError('55P03'));
      await expect(intercept('retried', next)).rejects.toMatchObject({ status: 503, code: 'LOCK_TIMEOUT' });
    });

    it('honours a larger attempts option', async () => {
      const { run, next } = handlerFailingWith(...Array.from({ length: 4 }, () => pgError('40001')));
      await expect(intercept('retriedFiveTimes', next)).resolves.toBe('ok');
      expect(run).toHaveBeenCalledTimes(5);
    });

    const notRetryable: [string, unknown][] = [
      ['a unique violation (23505)', pgError('23505')],
      ['a check violation (23514)', pgError('23514')],
      ['a statement timeout (57014)', pgError('57014')],
      ['an application error', new AppError(409, 'SEAT_TAKEN', 'Already booked: seat 3.')],
      ['an HttpException', new HttpException('Nope', 418)],
      ['a plain Error', new Error('boom')],
      ['a socket error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
      ['an object that only looks like a deadlock (no severity)', { code: '40P01' }],
    ];

    it.each(notRetryable)('hands %s on untouched after one attempt', async (_name, failure) => {
      const { run, next } = handlerFailingWith(failure, failure);
      await expect(intercept('retried', next)).rejects.toBe(failure);
      expect(run).toHaveBeenCalledTimes(1);
    });

    it('stops at the first error that is not retryable, even after a retry', async () => {
      const unique = pgError('23505');
      const { run, next } = handlerFailingWith(pgError('40P01'), unique);
      await expect(intercept('retried', next)).rejects.toBe(unique);
      expect(run).toHaveBeenCalledTimes(2);
    });

    it('logs each retry with the handler and the SQLSTATE', async () => {
      const { next } = handlerFailingWith(pgError('40P01'), pgError('55P03'));
      await intercept('retried', next);
      const messages = (Logger.prototype.warn as jest.Mock).mock.calls.map(([message]) => message);
      expect(messages).toEqual([
        expect.stringMatching(/Handlers\.retried after 40P01 \(attempt 1\)/),
        expect.stringMatching(/Handlers\.retried after 55P03 \(attempt 2\)/),
      ]);
    });

    it('tells its listener (the metrics) of each retry, with the SQLSTATE', async () => {
      const retried = jest.fn();
      sut = new RetryOnConflictInterceptor(new Reflector(), { retried });
      await intercept('retried', handlerFailingWith(pgError('40P01'), pgError('55P03')).next);
      expect(retried.mock.calls).toEqual([['40P01'], ['55P03']]);
    });

    it('waits the capped backoff before each retry (random = 1: 1000 ms, then 1500 instead of 2000)', async () => {
      jest.useFakeTimers();
      (Math.random as jest.Mock).mockReturnValue(1);
      const { run, next } = handlerFailingWith(pgError('40001'), pgError('40001'), pgError('40001'));
      const settled = outcome(intercept('slowBackoff', next));

      await jest.advanceTimersByTimeAsync(0);
      expect(run).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(999);
      expect(run).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(run).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(1499);
      expect(run).toHaveBeenCalledTimes(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(run).toHaveBeenCalledTimes(3);
      expect(await settled).toEqual({ error: expect.any(ConflictRetryExhaustedError) });
    });

    it('jitters the wait with Math.random (random = 0.5: half the ceiling)', async () => {
      jest.useFakeTimers();
      (Math.random as jest.Mock).mockReturnValue(0.5);
      const { run, next } = handlerFailingWith(pgError('40P01'));
      const settled = outcome(intercept('slowBackoff', next));
      await jest.advanceTimersByTimeAsync(499);
      expect(run).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(run).toHaveBeenCalledTimes(2);
      expect(await settled).toEqual({ value: 'ok' });
    });
  });
});

describe('backoffDelay', () => {
  it('doubles from the base delay and is capped at the maximum', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 10, 40].map((attempt) => backoffDelay(attempt, DEFAULT_RETRY, () => 1));
    expect(ceilings).toEqual([20, 40, 80, 160, 200, 200, 200, 200]);
  });

  it('is full jitter: anywhere from 0 up to the ceiling, as random says', () => {
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.5)).toBe(40);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.999)).toBe(80);
    const samples = new Set(Array.from({ length: 200 }, () => backoffDelay(4, DEFAULT_RETRY)));
    expect(samples.size).toBeGreaterThan(10);
    for (const delay of samples) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(160);
    }
  });
});
