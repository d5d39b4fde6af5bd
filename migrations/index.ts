import { CreateSchema1764000000000 } from './1764000000000-CreateSchema';
import { AddHoldsAndIdempotency1764100000000 } from './1764100000000-AddHoldsAndIdempotency';
import { AbuseLimits1764200000000 } from './1764200000000-AbuseLimits';
import { WebApp1764300000000 } from './1764300000000-WebApp';
import { Tickets1764400000000 } from './1764400000000-Tickets';
import { PasswordReset1764600000000 } from './1764600000000-PasswordReset';
import { Reminders1764700000000 } from './1764700000000-Reminders';
import { CancelShows1764800000000 } from './1764800000000-CancelShows';
import { Orders1764900000000 } from './1764900000000-Orders';
import { Screens1765000000000 } from './1765000000000-Screens';

/** Every migration, in order. Listed by class so the compiled app and ts-jest load the same set. */
export const MIGRATIONS = [CreateSchema1764000000000, AddHoldsAndIdempotency1764100000000, AbuseLimits1764200000000, WebApp1764300000000, Tickets1764400000000, PasswordReset1764600000000, Reminders1764700000000, CancelShows1764800000000, Orders1764900000000, Screens1765000000000];
