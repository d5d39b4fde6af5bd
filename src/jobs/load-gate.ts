import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Above this share of a sample spent running JavaScript, the process is serving a rush. */
const BUSY_UTILIZATION = 0.6;
const SAMPLE_MS = 100;

/**
 * Background work gives way to requests. Jobs are work that may wait (an
 * e-mail a few seconds later is as good), while a booking's answer may not:
 * a job about to run first measures how busy this process's event loop is
 * over the next 100 ms (a quiet verdict is reused for 100 ms, so a backlog
 * drains without a pause per job), and while it is busier than
 * BUSY_UTILIZATION measures again, but never longer than `maxWaitMs` in all:
 * a sustained rush still drains the queue, at a trickle, and the rest follows
 * as soon as the rush eases.
 */
export class LoadGate {
  private quietUntil = 0;
  private sampling?: Promise<number>;

  constructor(private readonly maxWaitMs: number) {}

  async whenQuiet(): Promise<void> {
    if (this.maxWaitMs === 0) return;
    const deadline = performance.now() + this.maxWaitMs;
    while (performance.now() < this.quietUntil ? false : (await this.sample()) > BUSY_UTILIZATION) {
      if (performance.now() >= deadline) return;
    }
  }

  /** The event loop's utilisation over the next SAMPLE_MS (one measurement shared by every job asking meanwhile). */
  private sample(): Promise<number> {
    this.sampling ??= (async () => {
      const start = performance.eventLoopUtilization();
      await sleep(SAMPLE_MS);
      const utilization = performance.eventLoopUtilization(start).utilization;
      if (utilization <= BUSY_UTILIZATION) this.quietUntil = performance.now() + SAMPLE_MS;
      this.sampling = undefined;
      return utilization;
    })();
    return this.sampling;
  }
}
