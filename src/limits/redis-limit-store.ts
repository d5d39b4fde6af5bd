import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { OutageLog } from '../common/outage-log';
import { Hit, LimitStore, MemoryLimitStore } from './limit-store';

/** A hit, atomically: the block if any, else the window's count (its expiry set with its first hit), and a block past the limit. */
const HIT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {tonumber(ARGV[2]) + 1, blocked, blocked} end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, tonumber(ARGV[3]), tonumber(ARGV[3])}
end
return {hits, ttl, 0}`;

const COUNT = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** A Redis command that takes longer than this counts as Redis being away: limits must not slow the service down. */
const COMMAND_TIMEOUT_MS = 200;

type Scripted = Redis & {
  limitHit(window: string, block: string, windowMs: number, limit: number, blockMs: number): Promise<[number, number, number]>;
  limitCount(key: string, windowMs: number): Promise<number>;
};

/**
 * The counters in Redis (REDIS_URL), so that every instance enforces one limit.
 * While Redis cannot be reached, each instance counts in its own memory
 * instead: the service keeps booking, and abuse stays bounded per instance
 * (neither open to floods nor closed to customers). The outage is logged once,
 * then once a minute, and its end in one line.
 */
export class RedisLimitStore extends LimitStore {
  private readonly redis: Scripted;
  private readonly outage: OutageLog;

  constructor(
    url: string,
    private readonly fallback: MemoryLimitStore,
    logger: Pick<Logger, 'warn' | 'log'>,
  ) {
    super();
    // Loaded only when REDIS_URL is set: ioredis is about 50 ms of every start-up otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RedisClient = (require('ioredis') as typeof import('ioredis')).default;
    this.redis = new RedisClient(url, {
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Fail at once while disconnected (the fallback answers), and keep reconnecting in the background.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
      lazyConnect: false,
    }) as Scripted;
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('limitHit', { numberOfKeys: 2, lua: HIT });
    this.redis.defineCommand('limitCount', { numberOfKeys: 1, lua: COUNT });
    this.outage = new OutageLog(logger, 'counting rate limits in Redis (each instance counts alone meanwhile)');
  }

  hit(key: string, windowMs: number, limit: number, blockMs: number): Promise<Hit> {
    return this.orLocally(
      async () => {
        const [hits, resetMs, blockedMs] = await this.redis.limitHit(`limit:${key}`, `limit:${key}:blocked`, windowMs, limit, blockMs);
        return { hits, resetMs, blockedMs };
      },
      () => this.fallback.hit(key, windowMs, limit, blockMs),
    );
  }

  count(key: string, windowMs: number): Promise<number> {
    return this.orLocally(
      () => this.redis.limitCount(`limit:${key}`, windowMs),
      () => this.fallback.count(key, windowMs),
    );
  }

  block(key: string, ms: number): Promise<void> {
    return this.orLocally(
      async () => void (await this.redis.set(`limit:${key}:blocked`, '1', 'PX', ms)),
      () => this.fallback.block(key, ms),
    );
  }

  blockedFor(key: string): Promise<number> {
    return this.orLocally(
      async () => Math.max(0, await this.redis.pttl(`limit:${key}:blocked`)),
      () => this.fallback.blockedFor(key),
    );
  }

  reset(key: string): Promise<void> {
    return this.orLocally(
      async () => void (await this.redis.del(`limit:${key}`, `limit:${key}:blocked`)),
      () => this.fallback.reset(key),
    );
  }

  /** Whether the last command reached Redis (for readiness and tests). */
  get reachable(): boolean {
    return !this.outage.failing && this.redis.status === 'ready';
  }

  async close(): Promise<void> {
    this.fallback.close();
    this.redis.disconnect();
  }

  private async orLocally<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      const value = await remote();
      this.outage.succeeded();
      return value;
    } catch (error) {
      this.outage.failed(error);
      return local();
    }
  }
}
