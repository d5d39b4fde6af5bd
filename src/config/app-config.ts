import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * Every setting the service reads, validated once at boot into one typed object.
 * Nothing else in the code base reads process.env.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  bodyLimitBytes: number;
  sseHeartbeatSeconds: number;
  /** After SIGTERM: the longest a shutdown may take, draining requests included. */
  shutdownDrainSeconds: number;
  /** Origins a browser front end may call the API from; empty = same origin only. */
  corsOrigins: string[];
  database: {
    /** Unset: the service starts an embedded PostgreSQL in `dataDir`. */
    url?: string;
    dataDir: string;
    embeddedPort: number;
    poolSize: number;
    migrationsRun: boolean;
  };
  auth: {
    jwtSecret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    admin?: { username: string; password: string; email: string };
  };
  booking: {
    holdTtlSeconds: number;
    maxHeldSeatsPerShow: number;
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The fixed secret of NODE_ENV=test (so tests can sign their own tokens); production refuses it. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production';

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function jwtSecret(env: Env, nodeEnv: AppConfig['nodeEnv']): string {
  const secret = env.JWT_SECRET;
  if (nodeEnv === 'test') return secret || DEVELOPMENT_JWT_SECRET;
  // Development without a secret gets a random one per process: a public, well-known secret on a
  // server listening on every interface would let anyone mint admin tokens. Tokens end with the process.
  if (nodeEnv === 'development') return secret || randomBytes(32).toString('hex');
  if (!secret || secret === DEVELOPMENT_JWT_SECRET || secret.length < 32) {
    throw new ConfigError('JWT_SECRET must be set to a random string of at least 32 characters outside development');
  }
  return secret;
}

function admin(env: Env): AppConfig['auth']['admin'] {
  const username = env.ADMIN_USERNAME;
  const password = env.ADMIN_PASSWORD;
  if (!username && !password) return undefined;
  if (!username || !password) throw new ConfigError('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  if (password.length < 8) throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  return { username, password, email: env.ADMIN_EMAIL || `${username}@localhost.localdomain` };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  return {
    nodeEnv,
    host: env.HOST || '0.0.0.0',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log'),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
    sseHeartbeatSeconds: int(env, 'SSE_HEARTBEAT_SECONDS', 15, 1, 300),
    shutdownDrainSeconds: int(env, 'SHUTDOWN_DRAIN_SECONDS', 10, 1, 300),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    database: {
      url: env.DATABASE_URL || undefined,
      dataDir: resolve(env.DATA_DIR || './.data'),
      embeddedPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
      poolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
      migrationsRun: bool(env, 'MIGRATIONS_RUN', true),
    },
    auth: {
      jwtSecret: jwtSecret(env, nodeEnv),
      accessTtlSeconds: int(env, 'JWT_ACCESS_TTL_SECONDS', 3600, 1, 7 * 86400),
      refreshTtlSeconds: int(env, 'JWT_REFRESH_TTL_SECONDS', 7 * 86400, 1, 365 * 86400),
      admin: admin(env),
    },
    booking: {
      holdTtlSeconds: int(env, 'HOLD_TTL_SECONDS', 600, 1, 86400),
      maxHeldSeatsPerShow: int(env, 'MAX_HELD_SEATS_PER_SHOW', 10, 1, 100),
    },
  };
}
