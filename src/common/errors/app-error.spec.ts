import { AppError, CommonError, errorsOf } from './app-error';

class SampleError extends errorsOf({
  SEAT_TAKEN: { status: 409, detail: 'The seat is already booked.' },
  COOLING_DOWN: { status: 429, detail: 'Not yet.', transient: true },
}) {}

describe('errorsOf', () => {
  it('takes the status and default detail from its table', () => {
    expect(new SampleError('SEAT_TAKEN')).toMatchObject({ status: 409, code: 'SEAT_TAKEN', detail: 'The seat is already booked.', extras: {} });
  });

  it('says an error is transient when its table says so, and only then', () => {
    expect(new SampleError('COOLING_DOWN').transient).toBe(true);
    expect(new SampleError('SEAT_TAKEN').transient).toBe(false);
  });

  it.each([
    ['CONCURRENT_UPDATE', true],
    ['LOCK_TIMEOUT', true],
    ['RATE_LIMITED', true],
    ['VALIDATION_FAILED', false],
    ['NOT_FOUND', false],
  ] as const)('common %s: transient %s', (code, transient) => {
    expect(new CommonError(code).transient).toBe(transient);
  });

  it('an AppError of no table (a replayed answer) is not transient', () => {
    expect(new AppError(409, 'SEAT_TAKEN', 'Already booked.').transient).toBe(false);
  });
});
