import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** One more hit on a rate rule: how many hits its window has, and for how long the key is blocked (0: not). */
export interface Hit {
  hits: number;
  /** Until the window starts afresh. */
  resetMs: number;
  blockedMs: number;
}

/**
 * Counters the limits share: in this process's memory, or in Redis so that
 * every instance enforces one limit (RedisLimitStore). Fixed windows, O(1) a
 * hit. Also @nestjs/throttler's storage, for the rate-limit guard.
 */
export abstract class LimitStore implements ThrottlerStorage {
  /** One hit in the window of `windowMs` that starts with the key's first hit; past `limit`, the key is blocked for `blockMs`. */
  abstract hit(key: string, windowMs: number, limit: number, blockMs: number): Promise<Hit>;
  /** One more failure in a window of `windowMs`: how many the window holds now. */
  abstract count(key: string, windowMs: number): Promise<number>;
  abstract block(key: string, ms: number): Promise<void>;
  /** How much longer the key is blocked, in ms (0: not). */
  abstract blockedFor(key: string): Promise<number>;
  abstract reset(key: string): Promise<void>;

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const hit = await this.hit(key, ttl, limit, blockDuration);
    return { totalHits: hit.hits, timeToExpire: Math.ceil(hit.resetMs / 1000), isBlocked: hit.blockedMs > 0, timeToBlockExpire: Math.ceil(hit.blockedMs / 1000) };
  }
}

interface Window {
  hits: number;
  resetAt: number;
}

const SWEEP_EVERY_MS = 30_000;

/** The counters in this process's memory: for a single instance, and while Redis is unreachable. */
export class MemoryLimitStore extends LimitStore {
  private readonly windows = new Map<string, Window>();
  private readonly blocks = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  async hit(key: string, windowMs: number, limit: number, blockMs: number): Promise<Hit> {
    const now = this.now();
    const blockedMs = this.blockedMs(key, now);
    if (blockedMs > 0) return { hits: limit + 1, resetMs: blockedMs, blockedMs };
    const window = this.windowOf(key, windowMs, now);
    window.hits++;
    if (window.hits > limit) {
      this.blocks.set(key, now + blockMs);
      this.windows.delete(key);
      return { hits: window.hits, resetMs: blockMs, blockedMs: blockMs };
    }
    return { hits: window.hits, resetMs: window.resetAt - now, blockedMs: 0 };
  }

  async count(key: string, windowMs: number): Promise<number> {
    const window = this.windowOf(key, windowMs, this.now());
    return ++window.hits;
  }

  async block(key: string, ms: number): Promise<void> {
    this.blocks.set(key, this.now() + ms);
  }

  async blockedFor(key: string): Promise<number> {
    return this.blockedMs(key, this.now());
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
    this.blocks.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private windowOf(key: string, windowMs: number, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) this.windows.set(key, (window = { hits: 0, resetAt: now + windowMs }));
    return window;
  }

  private blockedMs(key: string, now: number): number {
    const until = this.blocks.get(key);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.blocks.delete(key);
    return 0;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    for (const [key, until] of this.blocks) if (until <= now) this.blocks.delete(key);
  }
}
