import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { EmbeddedPostgresError, RunningPostgres, startEmbeddedPostgres } from './database/embedded/embedded-postgres';
import { handleShutdownSignals } from './lifecycle/graceful-shutdown';
import cluster from 'node:cluster';
import { Lifecycle } from './lifecycle/lifecycle';
import { runWorkers } from './lifecycle/workers';
import { nestLogger, rootLogger } from './logging/logging';

const logger = new Logger('Bootstrap');
/**
 * Connections the kernel queues before the service accepts them (capped by net.core.somaxconn). Node's
 * default, 511, is less than a rush's first second: in the bench's sell-out, 1,000 customers connecting
 * at once while the event loop was busy overflowed it, and the kernel dropped their SYNs (one or three
 * seconds before the client's retry: answers that took seconds, though the service never saw them late).
 */
const LISTEN_BACKLOG = 4096;

/** A failure to start is one line that says what to do, and exit code 1: never a stack trace. */
function refuse(message: string): never {
  logger.error(`cannot start: ${message}`);
  process.exit(1);
}

function configuration(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // Not on a terminal, the refusal is a JSON line like every other (on one, Nest's readable line).
      if (!process.stdout.isTTY) Logger.overrideLogger(nestLogger(rootLogger({ nodeEnv: 'production', logLevel: 'info' })));
      refuse(error.message);
    }
    throw error;
  }
}

/** Resolves with whether this process serves requests (a primary that only runs workers does not). */
async function bootstrap(): Promise<boolean> {
  const config = configuration();
  const root = rootLogger(config);
  // Everything logged before the app exists (the embedded PostgreSQL) goes through the same logger.
  Logger.overrideLogger(nestLogger(root));

  let embedded: RunningPostgres | undefined;
  // With workers, the primary owns the embedded database and hands its URL to them.
  if (!config.database.url && cluster.isPrimary) {
    try {
      embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.embeddedPort });
    } catch (error) {
      if (error instanceof EmbeddedPostgresError) refuse(error.message);
      throw error;
    }
  }
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    logger.log(`starting ${config.webConcurrency} workers on port ${config.port} (WEB_CONCURRENCY)`);
    runWorkers({
      count: config.webConcurrency,
      env: embedded ? { DATABASE_URL: embedded.url } : {},
      drainSeconds: config.shutdownDrainSeconds,
      logger,
      afterStop: () => embedded?.stop() ?? Promise.resolve(),
    });
    return false;
  }
  const lifecycle = new Lifecycle();
  let app;
  try {
    app = await createApp({ config, databaseUrl: config.database.url ?? embedded!.url, lifecycle, logger: root });
    await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') refuse(`port ${config.port} is taken by another program: set PORT to a free port`);
    refuse(`${config.database.url ? 'the database at DATABASE_URL' : 'the embedded database'} did not answer: ${(error as Error).message}`);
  }
  handleShutdownSignals({ app, lifecycle, drainSeconds: config.shutdownDrainSeconds, logger, afterClose: () => embedded?.stop() ?? Promise.resolve() });
  logger.log(`listening on http://${config.host}:${config.port} (the web app at /, Swagger UI at /swagger)`);
  return true;
}

/**
 * Settles once the service listens, with true, or once a primary has started its workers, with false:
 * launch.ts then keeps V8's code cache of a process that has served, never of a primary that only forks.
 */
export const started: Promise<boolean> = bootstrap().catch((error: unknown) => refuse((error as Error)?.message ?? String(error)));
