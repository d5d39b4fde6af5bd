import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { ConnectionDrainer } from './connection-drainer';
import { Lifecycle } from './lifecycle';
import { onStopSignals, SAME_STOP_WITHIN_MS, StopSignal } from './stop-signals';

/** Kept back from the drain for what follows it: the last seat announcements, the pool, the embedded server. */
const AFTER_DRAIN_RESERVE_MS = 2500;
const MIN_DRAIN_MS = 500;

export interface ShutdownOptions {
  app: NestFastifyApplication;
  lifecycle: Lifecycle;
  drainSeconds: number;
  logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  /** Runs last, e.g. stopping the embedded PostgreSQL. */
  afterClose?: () => Promise<void>;
}

/**
 * SIGTERM or SIGINT: report not ready, stop accepting connections, answer what
 * was received (each answer closing its connection), end the seat streams so
 * their clients reconnect elsewhere, close the app (which flushes the seat
 * announcements and closes the pool), then `afterClose`; all within the drain
 * time. A second signal stops at once, unless it came within a second of the
 * first: that is a copy of the same one (a terminal's Ctrl-C reaches npm and
 * the service, and npm passes its copy on; see stop-signals.ts).
 */
export function handleShutdownSignals(options: ShutdownOptions): void {
  const { app, lifecycle, logger } = options;
  const drainer = new ConnectionDrainer(app.getHttpServer() as Server);
  const stopNow = async (signal: StopSignal) => {
    logger.warn(`${signal} again: stopping without waiting`);
    await options.afterClose?.().catch(() => undefined);
    process.exit(1);
  };
  const stop = async (signal: StopSignal) => {
    const started = Date.now();
    const drainMs = options.drainSeconds * 1000;
    logger.log(`${signal}: draining for up to ${options.drainSeconds} s (not ready, no new connections, ${drainer.openConnections} open)`);
    try {
      lifecycle.beginDrain();
      const { cut } = await drainer.drain(started + Math.max(MIN_DRAIN_MS, drainMs - AFTER_DRAIN_RESERVE_MS));
      if (cut > 0) logger.warn(`${cut} connections were still busy at the drain deadline and were closed`);
      lifecycle.beginStop();
      await app.close();
      await options.afterClose?.();
      logger.log(`stopped ${Date.now() - started} ms after ${signal}`);
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      await options.afterClose?.().catch(() => undefined);
      process.exit(1);
    }
  };
  onStopSignals({
    first: (signal) => void stop(signal),
    again: (signal) => void stopNow(signal),
    repeated: (signal, afterMs) => logger.log(`${signal} again within ${afterMs} ms: the same stop (signals within ${SAME_STOP_WITHIN_MS} ms count once), still draining`),
  });
}
