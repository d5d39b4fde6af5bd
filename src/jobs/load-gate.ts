import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Above this share of the last interval spent running JavaScript, the process is serving a rush. */
const BUSY_UTILIZATION = 0.6;
const SAMPLE_MS = 100;

/**
 * Background work gives way to requests. Jobs are work that may wait (an
 * e-mail a few seconds later is as good), while a booking's answer may not:
 * a job about to run first waits, in short steps, while this process's event
 * loop is busier than BUSY_UTILIZATION, but never longer than `maxWaitMs`,
 * so a sustained rush still drains the queue, at a trickle, and an idle
 * process runs jobs at once.
 */
export class LoadGate {
  private last = performance.eventLoopUtilization();
  private lastAt = performance.now();
  private utilization = 0;

  constructor(private readonly maxWaitMs: number) {}

  /** The event loop's utilisation over the last sample (a fresh one when the last is older than SAMPLE_MS). */
  busy(): boolean {
    const now = performance.now();
    if (now - this.lastAt >= SAMPLE_MS) {
      const current = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(current, this.last).utilization;
      this.last = current;
      this.lastAt = now;
    }
    return this.utilization > BUSY_UTILIZATION;
  }

  async whenQuiet(): Promise<void> {
    const deadline = performance.now() + this.maxWaitMs;
    while (this.busy() && performance.now() < deadline) await sleep(SAMPLE_MS);
  }
}
