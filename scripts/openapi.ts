/**
 * `npm run openapi`: writes the OpenAPI document the service serves at
 * /swagger-json to openapi/openapi.json, without a database (Nest's preview
 * mode builds the routes, not the providers); the script then generates
 * openapi/schema.ts from it (openapi-typescript). Both are checked in: the
 * front end and the typed e2e client use them, a spec checks that the served
 * document is this one, and CI that the types match it.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { buildDocument } from '../src/http/swagger';

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://unused/preview' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, databaseUrl: config.database.url! }), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  const file = join(__dirname, '..', 'openapi', 'openapi.json');
  writeFileSync(file, `${JSON.stringify(buildDocument(app), null, 2)}\n`);
  console.error(`wrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
