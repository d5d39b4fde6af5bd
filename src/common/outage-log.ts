import type { Logger } from '@nestjs/common';

export const OUTAGE_REPEAT_MS = 60_000;

/**
 * Logs a failure that repeats while a dependency is down (the database, Redis)
 * without flooding the log: the first failure, then at most one line a minute
 * with the count so far, and one line when it works again.
 */
export class OutageLog {
  private failures = 0;
  private since = 0;
  private lastLogged = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'>,
    private readonly what: string,
    private readonly repeatMs = OUTAGE_REPEAT_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get failing(): boolean {
    return this.failures > 0;
  }

  failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const now = this.now();
    this.failures++;
    if (this.failures === 1) {
      this.since = now;
      this.lastLogged = now;
      this.logger.warn(`${this.what} failed: ${message}`);
    } else if (now - this.lastLogged >= this.repeatMs) {
      this.lastLogged = now;
      this.logger.warn(`${this.what} still failing: ${this.failures} failures in ${Math.round((now - this.since) / 1000)} s, the last: ${message}`);
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.logger.log(`${this.what} works again after ${seconds} s (${this.failures} ${this.failures === 1 ? 'failure' : 'failures'})`);
    this.failures = 0;
  }
}
