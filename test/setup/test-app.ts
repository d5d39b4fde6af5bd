import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { Logger as Pino } from 'pino';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.factory';
import { Jobs } from '../../src/jobs/jobs';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { openApiDocument } from '../../src/http/swagger';
import { checkedAgent, contractOf, violations } from '../support/contract';
import { withDatabase } from './database-url';

/** Every answer a test got through `http()` is one the OpenAPI document declares (see checkedAgent). */
afterEach(() => {
  const found = violations.splice(0);
  if (found.length > 0) throw new Error(`answers the OpenAPI document does not declare:\n${found.join('\n')}`);
});

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export interface TestDatabase {
  url: string;
  /** A pool for assertions on what the database really holds. */
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * A database of its own for one spec file: a copy of the run's migrated
 * template (global-setup.ts), or, with `empty`, a database with nothing in it,
 * for the specs of the migrations themselves.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.E2E_SERVER_URL;
  if (!serverUrl) throw new Error('E2E_SERVER_URL is not set: run the e2e specs through jest (npm test)');
  const template = process.env.E2E_TEMPLATE_DB;
  const name = `e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template && !options.empty ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const pool = new Pool({ connectionString: url, max: 4 });
  // DROP DATABASE ... WITH (FORCE) ends idle backends the pool is still closing: not a test failure.
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL of the listening server: requests travel over real HTTP connections. */
  url: string;
  http: () => TestAgent;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /** A logger of the test's, to read the lines the app writes. */
  logger?: Pino;
}

/**
 * Every request of the suite comes from 127.0.0.1, so the abuse limits are
 * raised through their own variables; the specs of the limits set them back.
 */
export const UNLIMITED: Record<string, string> = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
  SIGNUPS_PER_IP_PER_HOUR: '10000000',
  PASSWORD_RESETS_PER_IP_PER_HOUR: '10000000',
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: '10000000',
  LOGIN_FAILURES_PER_IP: '10000000',
  BOOKINGS_PER_USER_PER_MINUTE: '10000000',
  BOOKINGS_PER_IP_PER_MINUTE: '10000000',
  HOLDS_PER_USER_PER_MINUTE: '10000000',
  HOLDS_PER_IP_PER_MINUTE: '10000000',
  IDEMPOTENCY_KEYS_PER_USER_PER_HOUR: '10000000',
  SSE_STREAMS_PER_IP: '100000',
  SSE_STREAMS_TOTAL: '100000',
  MAX_HELD_SEATS_PER_IP: '2000',
  MAX_HELD_SHARE_PER_IP_PERCENT: '100',
  HOLD_COOLDOWN_SECONDS: '0',
  MAX_BOOKED_SEATS_PER_SHOW: '2000',
  PASSWORD_HASH_QUEUE: '10000',
  PASSWORD_HASHES_PER_IP: '10000',
  // The races of the concurrency specs are the database's: no line per show in front of it
  // (the line's own specs turn it on, with the bounds they test).
  BOOKING_ADMISSION_PER_SHOW: '0',
};

/** Starts the real application (Fastify, guards, pipes, filter, migrations) on a free port. */
export async function startTestApp(databaseUrl: string, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    DB_POOL_SIZE: '10',
    // Many specs move the service's Clock by hours or days, and access tokens expire by that Clock:
    // the suite's tokens live a week; the specs of expiry set their own lifetimes.
    JWT_ACCESS_TTL_SECONDS: String(7 * 86400),
    // Jobs run at once: the test process's event loop is busy with the tests themselves, and a job waiting
    // for quiet would only slow the specs that await it (src/jobs/load-gate.spec.ts tests the waiting).
    JOBS_YIELD_SECONDS: '0',
    ...UNLIMITED,
    ...options.env,
  });
  const app = await createApp({ config, databaseUrl, clock: options.clock, logger: options.logger });
  const contract = await contractOf(openApiDocument(app)!);
  await app.listen(0, '127.0.0.1');
  // The job queue starts a moment after the service is up; the specs start once it has, so the first
  // request that adds a job is not the one that waits for it.
  await app.get(Jobs).whenStarted();
  const url = await app.getUrl();
  return {
    app,
    url,
    http: () => checkedAgent(request(url), contract),
    close: () => app.close(),
  };
}

/** One database and one app on it: what most spec files need. */
export async function setupE2e(options: TestAppOptions = {}) {
  const db = await createTestDatabase();
  const server = await startTestApp(db.url, options);
  return {
    db,
    ...server,
    async teardown() {
      await server.close();
      await db.drop();
    },
  };
}

/** What setupE2e hands a spec file: the database, the app on it, and their teardown. */
export type E2eContext = Awaited<ReturnType<typeof setupE2e>>;
