import { CreateSchema1764000000000 } from './1764000000000-CreateSchema';

/** Every migration, in order. Listed by class so the compiled app and ts-jest load the same set. */
export const MIGRATIONS = [CreateSchema1764000000000];
