import { CreateSchema1764000000000 } from './1764000000000-CreateSchema';
import { AddHoldsAndIdempotency1764100000000 } from './1764100000000-AddHoldsAndIdempotency';
import { AbuseLimits1764200000000 } from './1764200000000-AbuseLimits';
import { WebApp1764300000000 } from './1764300000000-WebApp';

/** Every migration, in order. Listed by class so the compiled app and ts-jest load the same set. */
export const MIGRATIONS = [CreateSchema1764000000000, AddHoldsAndIdempotency1764100000000, AbuseLimits1764200000000, WebApp1764300000000];
