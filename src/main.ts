import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, LOG_LEVELS } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(`refusing to start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  Logger.overrideLogger(LOG_LEVELS[config.logLevel]);

  let embedded: RunningPostgres | undefined;
  if (!config.database.url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, port: config.database.embeddedPort });
  }
  const app = await createApp({ config, databaseUrl: config.database.url ?? embedded!.url });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: shutting down`);
    await app.close().catch((error) => logger.error(error));
    await embedded?.stop().catch((error) => logger.error(error));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen(config.port, config.host);
  logger.log(`listening on http://${config.host}:${config.port} (Swagger UI at /swagger)`);
}

void bootstrap();
