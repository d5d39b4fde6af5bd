import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { JobKind } from '../jobs/job-kind';
import { Jobs } from '../jobs/jobs';
import { first } from '../database/statement';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LimitStore } from '../limits/limit-store';
import { Metrics } from '../metrics/metrics';
import { rateLimited } from '../limits/rate-limit.error';
import { IdempotencyError } from './idempotency.errors';
import { CLAIM_KEY, COMPLETE_KEY, DELETE_EXPIRED_KEYS, READ_KEY, RELEASE_KEY } from './sql/idempotency-keys';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** An in-progress key older than this belongs to a request whose process died; a retry may take it over. */
const ABANDONED_AFTER_MS = 60 * 1000;
const WAIT_POLL_MS = 25;
const WAIT_MAX_MS = 10 * 1000;
const CLEANUP_BATCH = 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Deletes the keys past their day. One run at a time for the whole cluster
 * (a second one waiting would find nothing more), every 15 minutes.
 */
export const PURGE_EXPIRED_KEYS = new JobKind<Record<string, never>>('idempotency.purge-expired', { oneAtATime: true });
const PURGE_SCHEDULE = '*/15 * * * *';

export type Claim = { owned: true } | { owned: false; response: StoredResponse };

/** Idempotency keys in PostgreSQL, per user: the first request claims the key, duplicates get its answer. */
@Injectable()
export class IdempotencyService implements OnModuleInit {

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly limits: LimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly jobs: Jobs,
  ) {}

  onModuleInit(): void {
    this.jobs.register(PURGE_EXPIRED_KEYS, async () => void (await this.deleteExpired()));
    this.jobs.schedule(PURGE_EXPIRED_KEYS, PURGE_SCHEDULE, {});
  }

  /**
   * Claims the key for this request, or returns the answer a previous request
   * with the same key and body got, waiting (briefly) while that one runs.
   * The primary key (user_id, key) makes exactly one concurrent claim win,
   * across any number of app instances.
   */
  async claim(userId: number, key: string, requestHash: string): Promise<Claim> {
    // eslint-disable-next-line no-restricted-syntax -- a duration, not a rule: how long this request waits
    const deadline = Date.now() + WAIT_MAX_MS;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.db.rows(
        CLAIM_KEY,
        userId,
        key,
        requestHash,
        now,
        new Date(now.getTime() - IDEMPOTENCY_TTL_MS),
        new Date(now.getTime() - ABANDONED_AFTER_MS),
      );
      if (claimed.length > 0) {
        await this.countNewKey(userId, key);
        return { owned: true };
      }

      const existing = await first(this.db, READ_KEY, userId, key);
      if (!existing) continue; // released between our two statements: claim again
      if (existing.request_hash !== requestHash) throw new IdempotencyError('IDEMPOTENCY_KEY_REUSED');
      if (existing.status === 'completed') {
        return { owned: false, response: { status: existing.response_status as number, body: existing.response_body } };
      }
      // eslint-disable-next-line no-restricted-syntax -- a duration, not a rule: how long this request waits
      if (Date.now() >= deadline) throw new IdempotencyError('IDEMPOTENCY_IN_PROGRESS');
      await sleep(WAIT_POLL_MS);
    }
  }

  /**
   * Keys are stored for a day: one customer may store at most
   * IDEMPOTENCY_KEYS_PER_USER_PER_HOUR new ones an hour, so nobody can grow the
   * table without bound. Over it, the key just claimed is let go and the request refused.
   */
  private async countNewKey(userId: number, key: string): Promise<void> {
    const perHour = this.config.limits.idempotencyKeysPerUserPerHour;
    const hit = await this.limits.hit(`idempotency-keys:user:${userId}`, 3600_000, perHour, 3600_000);
    if (hit.blockedMs === 0) return;
    this.metrics.rateLimited.inc({ limit: 'idempotency-keys-per-user' });
    await this.release(userId, key);
    throw rateLimited(hit.blockedMs, `At most ${perHour} new Idempotency-Keys an hour per customer.`);
  }

  async complete(userId: number, key: string, response: StoredResponse): Promise<void> {
    await this.db.rows(COMPLETE_KEY, userId, key, response.status, JSON.stringify(response.body ?? null));
  }

  /** The request failed in a way a retry may fix (5xx, lost connection): forget the key. */
  async release(userId: number, key: string): Promise<void> {
    await this.db.rows(RELEASE_KEY, userId, key);
  }

  /** Deletes every expired key, a batch at a time; safe on every instance at once. */
  async deleteExpired(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS);
    let total = 0;
    for (;;) {
      const [{ deleted }] = await this.db.rows(DELETE_EXPIRED_KEYS, before, CLEANUP_BATCH);
      total += deleted;
      if (deleted < CLEANUP_BATCH) return total;
    }
  }
}
