import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { LoggerService } from '@nestjs/common';
import { onStopSignals, SAME_STOP_WITHIN_MS } from './stop-signals';

/** How long a worker may take to drain after SIGTERM before the primary kills it (its own drain, plus a margin). */
const KILL_MARGIN_MS = 5000;
const METRICS_REQUEST = 'cinema:metrics';
const METRICS_ANSWER = 'cinema:metrics:answer';

export interface WorkerOptions {
  count: number;
  /** Settings the workers get on top of the primary's environment (the embedded database's URL). */
  env: Record<string, string>;
  drainSeconds: number;
  logger: LoggerService;
  /** Runs after the last worker has stopped: stopping the embedded PostgreSQL. */
  afterStop: () => Promise<void>;
}

/**
 * WEB_CONCURRENCY > 1: this process forks that many workers, which share the
 * port (node's cluster module hands connections round robin) and each run the
 * whole service with a pool and a LISTEN connection of their own. The primary
 * serves nothing itself: it restarts a worker that dies while serving, gathers
 * /metrics from all workers for whichever worker was asked, and on SIGTERM or
 * SIGINT lets every worker drain, then stops the embedded database; a second
 * signal a moment later (not a copy within SAME_STOP_WITHIN_MS) kills them.
 */
export function runWorkers(options: WorkerOptions): void {
  const { logger } = options;
  const aggregator = new AggregatorRegistry();
  const listening = new Set<number>();
  let stopping = false;

  const fork = () => cluster.fork(options.env);
  for (let i = 0; i < options.count; i++) fork();

  cluster.on('listening', (worker) => {
    listening.add(worker.id);
    if (listening.size === options.count) logger.log(`${options.count} workers are listening`);
  });

  cluster.on('exit', (worker, code, signal) => {
    const served = listening.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) void finish(0);
      return;
    }
    if (!served) {
      // It said why (one line) before it went; the others would meet the same.
      void stopAll('a worker could not start').then(() => finish(1));
      return;
    }
    logger.warn(`worker ${worker.process.pid} died (${signal ?? `exit ${code}`}) while serving: starting another`);
    fork();
  });

  cluster.on('message', (worker: Worker, message: { type?: string; id?: number }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator
      .clusterMetrics()
      .then((text) => worker.send({ type: METRICS_ANSWER, id: message.id, text, contentType: aggregator.contentType }))
      .catch((error: Error) => worker.send({ type: METRICS_ANSWER, id: message.id, error: error.message }));
  });

  const stopAll = async (why: string) => {
    stopping = true;
    logger.log(`${why}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, options.drainSeconds * 1000 + KILL_MARGIN_MS);
    deadline.unref();
  };
  const finish = async (code: number) => {
    await options.afterStop().catch((error: Error) => logger.error(`stopping after the workers failed: ${error.message}`));
    logger.log('every worker has stopped');
    process.exit(code);
  };

  // A copy of the signal within a moment (Ctrl-C reaches npm and this process; npm passes its copy on) is the same stop.
  const killAll = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    void finish(1);
  };
  onStopSignals({
    // Stopping already (a worker could not start): a signal now means "do not wait".
    first: (signal) => (stopping ? killAll() : void stopAll(signal)),
    again: killAll,
    repeated: (signal, afterMs) => logger.log(`${signal} again within ${afterMs} ms: the same stop (signals within ${SAME_STOP_WITHIN_MS} ms count once), the workers keep draining`),
  });
}

let asked = 0;

/**
 * In a worker: the metrics of every worker, through the primary (one scrape
 * sees the whole service, whichever worker the connection reached).
 */
export function clusterMetrics(): Promise<{ text: string; contentType: string }> {
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const answer = (message: { type?: string; id?: number; text?: string; contentType?: string; error?: string }) => {
      if (message?.type !== METRICS_ANSWER || message.id !== id) return;
      process.off('message', answer);
      if (message.error) reject(new Error(message.error));
      else resolve({ text: message.text ?? '', contentType: message.contentType ?? 'text/plain' });
    };
    process.on('message', answer);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}

export const isWorker = () => cluster.isWorker;
