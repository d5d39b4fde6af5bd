import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

/** Groups of rate rules a route can opt into, beyond the per-address ceiling of every route. */
export type RateLimitGroup = 'signup' | 'password-reset' | 'bookings' | 'holds';

export const RATE_LIMITS_KEY = 'rateLimits';

/** `@RateLimited('bookings')`: the route also counts against that group's rules. */
export const RateLimited = (...groups: RateLimitGroup[]) => SetMetadata(RATE_LIMITS_KEY, groups);

/** One rule: at most `limit` requests per `windowMs`, counted per client address or per account. */
export interface RateRule {
  /** Its name in the RateLimit-Policy header. */
  name: string;
  per: 'ip' | 'user';
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

export function rateRules(limits: AppConfig['limits']): { ceiling: RateRule; groups: Record<RateLimitGroup, RateRule[]> } {
  return {
    ceiling: { name: 'per-ip', per: 'ip', limit: limits.perIpPerMinute, windowMs: MINUTE },
    groups: {
      signup: [{ name: 'signups-per-ip', per: 'ip', limit: limits.signupsPerIpPerHour, windowMs: 60 * MINUTE }],
      'password-reset': [{ name: 'password-resets-per-ip', per: 'ip', limit: limits.passwordResetsPerIpPerHour, windowMs: 60 * MINUTE }],
      bookings: [
        { name: 'bookings-per-user', per: 'user', limit: limits.bookingsPerUserPerMinute, windowMs: MINUTE },
        { name: 'bookings-per-ip', per: 'ip', limit: limits.bookingsPerIpPerMinute, windowMs: MINUTE },
      ],
      holds: [
        { name: 'holds-per-user', per: 'user', limit: limits.holdsPerUserPerMinute, windowMs: MINUTE },
        { name: 'holds-per-ip', per: 'ip', limit: limits.holdsPerIpPerMinute, windowMs: MINUTE },
      ],
    },
  };
}
