import { Inject, Injectable } from '@nestjs/common';
import { hash, Options, parseOptions, verify } from '@node-rs/argon2';
import { CommonError } from '../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * argon2id at OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane. The
 * numbers are @node-rs/argon2's const enums (Algorithm.Argon2id, Version.V0x13),
 * which isolated modules cannot import.
 */
export const ARGON2_OPTIONS = { algorithm: 2, version: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const satisfies Options;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True when a stored hash was made with other parameters than today's (or is not one we can read): rehash it at the next login. */
export function needsRehash(stored: string): boolean {
  try {
    const used = parseOptions(stored);
    return (
      used.algorithm !== ARGON2_OPTIONS.algorithm ||
      used.version !== ARGON2_OPTIONS.version ||
      used.memoryCost !== ARGON2_OPTIONS.memoryCost ||
      used.timeCost !== ARGON2_OPTIONS.timeCost ||
      used.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

export interface Verdict {
  matches: boolean;
  /** The password matched a hash made with older parameters: store `hashPassword(password)` instead. */
  rehash: boolean;
}

/**
 * Password hashing from prebuilt binaries (no compiler, no install script).
 * Hashes made by any argon2 implementation in the PHC string format verify,
 * the previous `argon2` binding's included.
 *
 * A hash costs tens of milliseconds of a core, so they run in a bounded pool:
 * at most PASSWORD_HASH_CONCURRENCY at once (about one per core), at most
 * PASSWORD_HASH_QUEUE waiting; beyond that the request is answered 503 with
 * Retry-After at once, so a flood of logins or signups cannot take the cores
 * that bookings and the event loop need. One client address holds at most
 * PASSWORD_HASHES_PER_IP of those places (running or waiting), so a flood from
 * one address cannot take them from everyone else's logins either.
 */
@Injectable()
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Places in the pool (running or waiting) per client address. */
  private readonly byAddress = new Map<string, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'limits'>) {}

  /** `address`: the client's, for its share of the pool; none for the service's own hashes (the admin account). */
  hash(password: string, address?: string): Promise<string> {
    return this.bounded(() => hashPassword(password), address);
  }

  async verify(stored: string, password: string, address?: string): Promise<Verdict> {
    const matches = await this.bounded(() => verify(stored, password).catch(() => false), address);
    return { matches, rehash: matches && needsRehash(stored) };
  }

  private async bounded<T>(work: () => Promise<T>, address?: string): Promise<T> {
    if (address === undefined) return this.pooled(work);
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.config.limits.passwordHashesPerIp) throw busy();
    this.byAddress.set(address, held + 1);
    try {
      return await this.pooled(work);
    } finally {
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    }
  }

  private async pooled<T>(work: () => Promise<T>): Promise<T> {
    const { passwordHashConcurrency, passwordHashQueue } = this.config.limits;
    if (this.running >= passwordHashConcurrency) {
      if (this.waiting.length >= passwordHashQueue) throw busy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The place passes to the next in line, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const busy = () => new CommonError('SERVICE_UNAVAILABLE', 'Too many sign-ins at once; try again in a second.').withHeaders({ 'retry-after': '1' });
