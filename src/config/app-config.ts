import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isTimeZone } from '../common/time-zone';

/**
 * Every setting the service reads, validated once at boot into one typed object.
 * Nothing else in the code base reads process.env.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** pino's levels. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  sseHeartbeatSeconds: number;
  /** After SIGTERM: the longest a shutdown may take, draining requests included. */
  shutdownDrainSeconds: number;
  /** Origins a browser front end may call the API from; empty = same origin only. */
  corsOrigins: string[];
  http: {
    /** The whole request (headers and body) must arrive within this; slow senders are cut. */
    requestTimeoutSeconds: number;
    headersTimeoutSeconds: number;
    keepAliveTimeoutSeconds: number;
    maxConnections: number;
    /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs); empty = the socket's address is the client's. */
    trustedProxies: string[];
  };
  /** Unset: rate limits are counted in this process's memory. */
  redisUrl?: string;
  /** When set, GET /metrics needs `Authorization: Bearer <it>`. */
  metricsToken?: string;
  /** The built web app (index.html and assets/) served at `/`. */
  webRoot: string;
  /** Processes serving the port (WEB_CONCURRENCY): 1 = this process; more = that many cluster workers. */
  webConcurrency: number;
  limits: {
    perIpPerMinute: number;
    signupsPerIpPerHour: number;
    passwordResetsPerIpPerHour: number;
    loginFailuresPerAccountAndIp: number;
    loginFailuresPerIp: number;
    loginFailureWindowSeconds: number;
    bookingsPerUserPerMinute: number;
    bookingsPerIpPerMinute: number;
    holdsPerUserPerMinute: number;
    holdsPerIpPerMinute: number;
    idempotencyKeysPerUserPerHour: number;
    streamsPerIp: number;
    streamsTotal: number;
    passwordHashConcurrency: number;
    passwordHashQueue: number;
    passwordHashesPerIp: number;
  };
  /** The cinema's name, in e-mails and the calendar entries they carry. */
  cinemaName: string;
  /** The cinema's IANA time zone (CINEMA_TIME_ZONE): its days, and every time its web app shows and takes. */
  cinemaTimeZone: string;
  /** Where people reach the web app: links in e-mails start here. */
  publicUrl: string;
  mail: {
    /** SMTP server (`smtp://user:pass@host:587`, `smtps://…`); unset: messages are written as .eml files into `dir`. */
    smtpUrl?: string;
    from: string;
    dir: string;
    passwordResetTtlMinutes: number;
    /** A reminder goes this many hours before each show (0: none). */
    reminderHoursBefore: number;
  };
  /** The job queue (pg-boss, in the service's own database, schema `pgboss`). */
  jobs: {
    /** How often each process asks for due jobs (≥ 0.5 s); a job committed by this process wakes its workers at once. */
    pollSeconds: number;
    /** Connections of the queue's own pool, per process. */
    poolSize: number;
    /** A job still running after this is taken to have died with its process, and is run again. */
    timeoutSeconds: number;
    /** Tries after the first, with exponential backoff from `retryDelaySeconds`. */
    retryLimit: number;
    retryDelaySeconds: number;
    /** At shutdown: how long running jobs may finish before they are handed back to run again. */
    shutdownGraceSeconds: number;
    /** While requests keep the process busy, a job waits up to this long before it runs (see LoadGate). */
    yieldSeconds: number;
  };
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
    /** One client address may hold at most the larger of these in one show. */
    maxHeldSeatsPerIp: number;
    maxHeldSharePerIpPercent: number;
    /** Seats a customer or address just released (or let expire) are theirs to hold again only after this. */
    holdCooldownSeconds: number;
    maxBookedSeatsPerShow: number;
    /** Booking and hold requests of one show served at once per process (0: no admission line); see ShowAdmission. */
    admissionPerShow: number;
    /** How long a request past them may wait in line before it is told to come back later (503 SHOW_BUSY). */
    admissionWaitMs: number;
  };
  tickets: {
    /** The door lets a ticket in from this many minutes before its show starts. */
    checkInOpensMinutes: number;
  };
  payments: {
    /** `demo`: no account, no network, test card numbers; `stripe`: real payments (the `stripe` settings). */
    provider: 'demo' | 'stripe';
    /** ISO 4217 code, upper case: the currency of new shows. */
    currency: string;
    /** An order may be paid within this many seconds of checkout; its hold is kept until then. */
    paymentWindowSeconds: number;
    /** A customer may cancel (and be refunded) a paid booking until this many minutes before its show. */
    refundCutoffMinutes: number;
    /** Set exactly when `provider` is `stripe`. */
    stripe?: StripeSettings;
  };
}

export interface StripeSettings {
  /** `sk_…` or a restricted `rk_…` key. */
  secretKey: string;
  /** `whsec_…`: verifies the Stripe-Signature of webhook events. */
  webhookSecret: string;
  /** `pk_…`: what the web app loads Stripe.js with (same mode, test or live, as the secret key). */
  publishableKey: string;
  /** Idempotency keys are `<prefix>:order:<id>`, so two deployments on one Stripe account never share one. */
  idempotencyPrefix: string;
  /** Unset: Stripe's servers. Set (STRIPE_API_URL): another server that speaks Stripe's API, as tests use. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
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

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
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

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** pino's levels; Nest's names of them (log, verbose), which this setting took before, still work. */
function logLevel(env: Env): AppConfig['logLevel'] {
  const aliases: Record<string, AppConfig['logLevel']> = { log: 'info', verbose: 'trace' };
  const raw = env.LOG_LEVEL ? (aliases[env.LOG_LEVEL] ?? env.LOG_LEVEL) : undefined;
  return oneOf({ LOG_LEVEL: raw }, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
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

/** Production sends real mail: writing it into files nobody reads would lose every message quietly. */
function smtpUrl(env: Env, nodeEnv: AppConfig['nodeEnv']): string | undefined {
  const url = env.SMTP_URL || undefined;
  if (url && !/^smtps?:\/\//.test(url)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  if (!url && nodeEnv === 'production') throw new ConfigError('SMTP_URL must be set in production (mail would otherwise only be written to files)');
  return url;
}

function admin(env: Env): AppConfig['auth']['admin'] {
  const username = env.ADMIN_USERNAME;
  const password = env.ADMIN_PASSWORD;
  if (!username && !password) return undefined;
  if (!username || !password) throw new ConfigError('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  if (password.length < 8) throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  return { username, password, email: env.ADMIN_EMAIL || `${username}@localhost.localdomain` };
}

/** What the default idempotency prefix is made of: the cinema's name, as lower-case ASCII words joined by '-'. */
export function slug(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, 64).replace(/-+$/, '') || 'cinema';
}

function currency(env: Env): string {
  const raw = env.CURRENCY;
  if (raw === undefined || raw === '') return 'EUR';
  const code = raw.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !Intl.supportedValuesOf('currency').includes(code)) {
    throw new ConfigError(`CURRENCY must be an ISO 4217 currency code such as EUR or USD, got "${raw}"`);
  }
  return code;
}

/** STRIPE_API_URL, split as the SDK takes it. Only an origin: Stripe's paths (/v1/...) are the SDK's. */
function stripeApi(env: Env): StripeSettings['api'] {
  const raw = env.STRIPE_API_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`STRIPE_API_URL must be a URL such as http://127.0.0.1:12111, got "${raw}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`STRIPE_API_URL must be an http:// or https:// origin with no path, got "${raw}"`);
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
}

/**
 * With PAYMENT_PROVIDER=stripe, in every environment: no payment can be taken or checked without the secret
 * key, nor a webhook believed without its secret, nor a card entered without the publishable key. Keys of two
 * modes (a live secret key, a test publishable key) could never pay one PaymentIntent, so they are refused too.
 */
function stripe(env: Env, cinemaName: string): StripeSettings {
  const secretKey = env.STRIPE_SECRET_KEY || '';
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET || '';
  const publishableKey = env.STRIPE_PUBLISHABLE_KEY || '';
  const missing = [
    ['STRIPE_SECRET_KEY', secretKey],
    ['STRIPE_WEBHOOK_SECRET', webhookSecret],
    ['STRIPE_PUBLISHABLE_KEY', publishableKey],
  ].filter(([, value]) => !value);
  if (missing.length) throw new ConfigError(`PAYMENT_PROVIDER=stripe needs ${missing.map(([name]) => name).join(', ')}`);
  const secretMode = /^(?:sk|rk)_(test|live)_\S+$/.exec(secretKey)?.[1];
  if (!secretMode) throw new ConfigError('STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_…, sk_live_…) or restricted key (rk_…)');
  if (!/^whsec_\S+$/.test(webhookSecret)) throw new ConfigError('STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)');
  const publishableMode = /^pk_(test|live)_\S+$/.exec(publishableKey)?.[1];
  if (!publishableMode) throw new ConfigError('STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_test_…, pk_live_…)');
  if (secretMode !== publishableMode) {
    throw new ConfigError(`STRIPE_SECRET_KEY is a ${secretMode} key but STRIPE_PUBLISHABLE_KEY a ${publishableMode} one: both must be test keys or both live keys`);
  }
  const idempotencyPrefix = env.STRIPE_IDEMPOTENCY_PREFIX || slug(cinemaName);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(idempotencyPrefix)) {
    throw new ConfigError(`STRIPE_IDEMPOTENCY_PREFIX must be 1 to 64 letters, digits, '.', '_' or '-', got "${idempotencyPrefix}"`);
  }
  return { secretKey, webhookSecret, publishableKey, idempotencyPrefix, api: stripeApi(env) };
}

/**
 * The demo provider is allowed in production too (a cinema of free shows needs no account, and the image's
 * NODE_ENV is production): PaymentsModule logs a warning at start-up, since anyone could pay with a test card.
 */
function payments(env: Env, cinemaName: string): AppConfig['payments'] {
  const provider = oneOf(env, 'PAYMENT_PROVIDER', ['demo', 'stripe'] as const, 'demo');
  return {
    provider,
    currency: currency(env),
    paymentWindowSeconds: int(env, 'PAYMENT_WINDOW_SECONDS', 900, 1, 86400),
    refundCutoffMinutes: int(env, 'REFUND_CUTOFF_MINUTES', 0, 0, 7 * 24 * 60),
    stripe: provider === 'stripe' ? stripe(env, cinemaName) : undefined,
  };
}

/** The service's own folder (where its package.json is), whether it runs from src/ or from dist/src/. */
function packageRoot(from = __dirname): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return from;
}

function timeZone(env: Env): string {
  const zone = (env.CINEMA_TIME_ZONE || 'UTC').trim();
  if (!isTimeZone(zone)) throw new ConfigError(`CINEMA_TIME_ZONE must be an IANA time zone such as Europe/Berlin, got "${zone}"`);
  return zone;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const cinemaName = (env.CINEMA_NAME || 'Cinema').trim().slice(0, 100) || 'Cinema';
  return {
    nodeEnv,
    host: env.HOST || '0.0.0.0',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: logLevel(env),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
    sseHeartbeatSeconds: int(env, 'SSE_HEARTBEAT_SECONDS', 15, 1, 300),
    shutdownDrainSeconds: int(env, 'SHUTDOWN_DRAIN_SECONDS', 10, 1, 300),
    corsOrigins: list(env.CORS_ORIGINS),
    http: {
      requestTimeoutSeconds: int(env, 'REQUEST_TIMEOUT_SECONDS', 30, 1, 3600),
      headersTimeoutSeconds: int(env, 'HEADERS_TIMEOUT_SECONDS', 10, 1, 3600),
      keepAliveTimeoutSeconds: int(env, 'KEEP_ALIVE_TIMEOUT_SECONDS', 65, 1, 3600),
      maxConnections: int(env, 'MAX_CONNECTIONS', 10_000, 1, 1_000_000),
      trustedProxies: list(env.TRUSTED_PROXIES),
    },
    redisUrl: env.REDIS_URL || undefined,
    metricsToken: env.METRICS_TOKEN || undefined,
    webRoot: env.WEB_ROOT ? resolve(env.WEB_ROOT) : join(packageRoot(), 'dist', 'web'),
    webConcurrency: env.WEB_CONCURRENCY === 'auto' ? availableParallelism() : int(env, 'WEB_CONCURRENCY', 1, 1, 256),
    limits: {
      perIpPerMinute: int(env, 'RATE_LIMIT_PER_IP_PER_MINUTE', 1200, 1, 10_000_000),
      signupsPerIpPerHour: int(env, 'SIGNUPS_PER_IP_PER_HOUR', 10, 1, 10_000_000),
      passwordResetsPerIpPerHour: int(env, 'PASSWORD_RESETS_PER_IP_PER_HOUR', 10, 1, 10_000_000),
      loginFailuresPerAccountAndIp: int(env, 'LOGIN_FAILURES_PER_ACCOUNT_AND_IP', 5, 1, 10_000_000),
      loginFailuresPerIp: int(env, 'LOGIN_FAILURES_PER_IP', 50, 1, 10_000_000),
      loginFailureWindowSeconds: int(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86400),
      bookingsPerUserPerMinute: int(env, 'BOOKINGS_PER_USER_PER_MINUTE', 30, 1, 10_000_000),
      bookingsPerIpPerMinute: int(env, 'BOOKINGS_PER_IP_PER_MINUTE', 120, 1, 10_000_000),
      holdsPerUserPerMinute: int(env, 'HOLDS_PER_USER_PER_MINUTE', 20, 1, 10_000_000),
      holdsPerIpPerMinute: int(env, 'HOLDS_PER_IP_PER_MINUTE', 60, 1, 10_000_000),
      idempotencyKeysPerUserPerHour: int(env, 'IDEMPOTENCY_KEYS_PER_USER_PER_HOUR', 200, 1, 10_000_000),
      streamsPerIp: int(env, 'SSE_STREAMS_PER_IP', 20, 1, 1_000_000),
      streamsTotal: int(env, 'SSE_STREAMS_TOTAL', 2000, 1, 1_000_000),
      passwordHashConcurrency: int(env, 'PASSWORD_HASH_CONCURRENCY', availableParallelism(), 1, 256),
      passwordHashQueue: int(env, 'PASSWORD_HASH_QUEUE', 16, 0, 10_000),
      passwordHashesPerIp: int(env, 'PASSWORD_HASHES_PER_IP', 4, 1, 10_000),
    },
    cinemaName,
    cinemaTimeZone: timeZone(env),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, ''),
    mail: {
      smtpUrl: smtpUrl(env, nodeEnv),
      from: env.MAIL_FROM || `"${cinemaName.replace(/["\\]/g, '')}" <box-office@localhost>`,
      dir: resolve(env.MAIL_DIR || join(env.DATA_DIR || './.data', 'mail')),
      passwordResetTtlMinutes: int(env, 'PASSWORD_RESET_TTL_MINUTES', 30, 1, 24 * 60),
      reminderHoursBefore: int(env, 'REMINDER_HOURS_BEFORE', 24, 0, 24 * 14),
    },
    jobs: {
      pollSeconds: number(env, 'JOBS_POLL_SECONDS', 5, 0.5, 60),
      poolSize: int(env, 'JOBS_POOL_SIZE', 2, 1, 50),
      timeoutSeconds: int(env, 'JOB_TIMEOUT_SECONDS', 120, 1, 86400),
      retryLimit: int(env, 'JOB_RETRY_LIMIT', 10, 0, 1000),
      retryDelaySeconds: int(env, 'JOB_RETRY_DELAY_SECONDS', 5, 1, 86400),
      shutdownGraceSeconds: int(env, 'JOBS_SHUTDOWN_GRACE_SECONDS', 2, 1, 300),
      yieldSeconds: int(env, 'JOBS_YIELD_SECONDS', 10, 0, 300),
    },
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
      maxHeldSeatsPerIp: int(env, 'MAX_HELD_SEATS_PER_IP', 20, 1, 2000),
      maxHeldSharePerIpPercent: int(env, 'MAX_HELD_SHARE_PER_IP_PERCENT', 10, 1, 100),
      holdCooldownSeconds: int(env, 'HOLD_COOLDOWN_SECONDS', 60, 0, 86400),
      maxBookedSeatsPerShow: int(env, 'MAX_BOOKED_SEATS_PER_SHOW', 10, 1, 2000),
      admissionPerShow: int(env, 'BOOKING_ADMISSION_PER_SHOW', 32, 0, 10_000),
      admissionWaitMs: int(env, 'BOOKING_ADMISSION_WAIT_MS', 500, 0, 60_000),
    },
    tickets: {
      checkInOpensMinutes: int(env, 'CHECK_IN_OPENS_MINUTES', 60, 0, 7 * 24 * 60),
    },
    payments: payments(env, cinemaName),
  };
}
