import { CommonError } from '../common/errors/app-error';

/** 429 RATE_LIMITED, with Retry-After (whole seconds, at least 1) and whatever RateLimit headers the caller adds. */
export function rateLimited(retryAfterMs: number, detail: string, headers: Record<string, string> = {}): CommonError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new CommonError('RATE_LIMITED', `${detail} Try again in ${seconds} s.`, { retry_after: seconds }).withHeaders({
    ...headers,
    'retry-after': String(seconds),
  });
}
