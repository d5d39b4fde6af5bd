import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError } from '../common/errors/app-error';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** An in-progress key older than this belongs to a request whose process died; a retry may take it over. */
const ABANDONED_AFTER_MS = 60 * 1000;
const WAIT_POLL_MS = 25;
const WAIT_MAX_MS = 10 * 1000;
const CLEANUP_EVERY_MS = 15 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { owned: true } | { owned: false; response: StoredResponse };

export class IdempotencyError extends AppError {
  static reused(): IdempotencyError {
    return new IdempotencyError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request; use a new key for a new request.',
    );
  }

  static inProgress(): IdempotencyError {
    return new IdempotencyError(
      409,
      'IDEMPOTENCY_IN_PROGRESS',
      'A request with this Idempotency-Key is still being processed; retry shortly to get its answer.',
    );
  }
}

/** Idempotency keys in PostgreSQL, per user: the first request claims the key, duplicates get its answer. */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.deleteExpired().catch((e) => this.logger.warn(String(e))), CLEANUP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Claims the key for this request, or returns the answer a previous request
   * with the same key and body got, waiting (briefly) while that one runs.
   * The primary key (user_id, key) makes exactly one concurrent claim win,
   * across any number of app instances.
   */
  async claim(userId: number, key: string, requestHash: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_MAX_MS;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.dataSource.query(
        `INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, created_at)
         VALUES ($1, $2, $3, 'in_progress', $4)
         ON CONFLICT (user_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status = 'in_progress',
               response_status = NULL, response_body = NULL, created_at = EXCLUDED.created_at
         WHERE k.created_at <= $5
            OR (k.status = 'in_progress' AND k.created_at <= $6 AND k.request_hash = EXCLUDED.request_hash)
         RETURNING 1`,
        [userId, key, requestHash, now, new Date(now.getTime() - IDEMPOTENCY_TTL_MS), new Date(now.getTime() - ABANDONED_AFTER_MS)],
      );
      if (claimed.length > 0) return { owned: true };

      const [existing] = await this.dataSource.query(
        `SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
        [userId, key],
      );
      if (!existing) continue; // released between our two statements: claim again
      if (existing.request_hash !== requestHash) throw IdempotencyError.reused();
      if (existing.status === 'completed') {
        return { owned: false, response: { status: existing.response_status, body: existing.response_body } };
      }
      if (Date.now() >= deadline) throw IdempotencyError.inProgress();
      await sleep(WAIT_POLL_MS);
    }
  }

  async complete(userId: number, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4::json
        WHERE user_id = $1 AND key = $2`,
      [userId, key, response.status, JSON.stringify(response.body ?? null)],
    );
  }

  /** The request failed in a way a retry may fix (5xx, lost connection): forget the key. */
  async release(userId: number, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'in_progress'`, [
      userId,
      key,
    ]);
  }

  async deleteExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS);
    const [, deleted] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE created_at <= $1`, [cutoff]);
    return deleted;
  }
}
