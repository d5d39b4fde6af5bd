import { resolve } from 'node:path';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, slug } from './app-config';

const STRONG_SECRET = 'k3T9x2Lq8Vw4Zr7Bn1Mc6Hs5Jd0Fg2Pa';
/** Production needs a mail server too; the JWT cases below give one, so only the secret decides. */
const PRODUCTION = { NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example:587' };

describe('loadConfig', () => {
  describe('JWT_SECRET in production', () => {
    it('refuses to start without one', () => {
      expect(() => loadConfig({ ...PRODUCTION })).toThrow(ConfigError);
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: '' })).toThrow(ConfigError);
    });

    it('refuses one shorter than 32 characters', () => {
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: STRONG_SECRET.slice(0, 31) })).toThrow(ConfigError);
    });

    it('refuses the development secret', () => {
      expect(DEVELOPMENT_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
      expect(() => loadConfig({ ...PRODUCTION, JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow(ConfigError);
    });

    it('takes a random one of 32 characters', () => {
      expect(STRONG_SECRET).toHaveLength(32);
      expect(loadConfig({ ...PRODUCTION, JWT_SECRET: STRONG_SECRET }).auth.jwtSecret).toBe(STRONG_SECRET);
    });
  });

  describe('mail', () => {
    it('refuses to start in production without SMTP_URL: mail written to files would never reach anyone', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET })).toThrow('SMTP_URL must be set in production');
      expect(loadConfig({ ...PRODUCTION, JWT_SECRET: STRONG_SECRET }).mail.smtpUrl).toBe('smtp://mail.example:587');
    });

    it('refuses an SMTP_URL that is not smtp:// or smtps://', () => {
      expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(ConfigError);
    });

    it('writes .eml files under DATA_DIR/mail without SMTP_URL outside production, or into MAIL_DIR', () => {
      expect(loadConfig({ DATA_DIR: '/srv/cinema' }).mail).toMatchObject({ smtpUrl: undefined, dir: resolve('/srv/cinema/mail') });
      expect(loadConfig({ MAIL_DIR: '/tmp/box-office-mail' }).mail.dir).toBe(resolve('/tmp/box-office-mail'));
    });

    it('names the sender after the cinema unless MAIL_FROM says otherwise', () => {
      expect(loadConfig({ CINEMA_NAME: 'Roxy "Deluxe"' }).mail.from).toBe('"Roxy Deluxe" <box-office@localhost>');
      expect(loadConfig({ MAIL_FROM: 'tickets@roxy.example' }).mail.from).toBe('tickets@roxy.example');
    });
  });

  describe('CINEMA_TIME_ZONE', () => {
    it('is UTC unless set, and any IANA zone', () => {
      expect(loadConfig({}).cinemaTimeZone).toBe('UTC');
      expect(loadConfig({ CINEMA_TIME_ZONE: 'Pacific/Auckland' }).cinemaTimeZone).toBe('Pacific/Auckland');
    });

    it('refuses to start with a zone that does not exist', () => {
      expect(() => loadConfig({ CINEMA_TIME_ZONE: 'Europe/Atlantis' })).toThrow('CINEMA_TIME_ZONE must be an IANA time zone');
    });
  });

  it('uses the fixed development secret in test unless one is given', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).auth.jwtSecret).toBe(DEVELOPMENT_JWT_SECRET);
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'short-is-fine-here' }).auth.jwtSecret).toBe('short-is-fine-here');
  });

  it('never uses a well-known secret in development: a random one per process unless one is given', () => {
    const first = loadConfig({}).auth.jwtSecret;
    const second = loadConfig({ NODE_ENV: 'development' }).auth.jwtSecret;
    expect(first).not.toBe(DEVELOPMENT_JWT_SECRET);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    expect(loadConfig({ JWT_SECRET: 'my-own-dev-secret' }).auth.jwtSecret).toBe('my-own-dev-secret');
  });

  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      host: '0.0.0.0',
      port: 3000,
      logLevel: 'info',
      bodyLimitBytes: 100 * 1024,
      database: { url: undefined, dataDir: resolve('./.data'), poolSize: 10, migrationsRun: true },
      auth: { accessTtlSeconds: 3600, refreshTtlSeconds: 7 * 24 * 3600, admin: undefined },
      booking: { holdTtlSeconds: 600 },
      tickets: { checkInOpensMinutes: 60 },
    });
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: '2048',
      DATABASE_URL: 'postgres://u:p@db:5432/cinema',
      DB_POOL_SIZE: '25',
      MIGRATIONS_RUN: 'false',
      JWT_ACCESS_TTL_SECONDS: '60',
      JWT_REFRESH_TTL_SECONDS: '120',
      HOLD_TTL_SECONDS: '30',
      CHECK_IN_OPENS_MINUTES: '15',
    });
    expect(config).toMatchObject({
      nodeEnv: 'test',
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'debug',
      bodyLimitBytes: 2048,
      database: { url: 'postgres://u:p@db:5432/cinema', poolSize: 25, migrationsRun: false },
      auth: { accessTtlSeconds: 60, refreshTtlSeconds: 120 },
      booking: { holdTtlSeconds: 30 },
      tickets: { checkInOpensMinutes: 15 },
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '3000.5'],
    ['PORT', '-1'],
    ['PORT', '70000'],
    ['PORT', '1e3'],
    ['PORT', ' 3000'],
    ['DB_POOL_SIZE', '0'],
    ['JWT_ACCESS_TTL_SECONDS', 'one hour'],
    ['JWT_REFRESH_TTL_SECONDS', '0'],
    ['HOLD_TTL_SECONDS', '10m'],
    ['BODY_LIMIT_BYTES', '0x400'],
    ['CHECK_IN_OPENS_MINUTES', '-5'],
  ])('throws ConfigError for %s=%p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });

  it.each([
    ['log', 'info'],
    ['verbose', 'trace'],
    ['warn', 'warn'],
    ['silent', 'silent'],
  ])("takes pino's levels and Nest's names for them: LOG_LEVEL=%s is %s", (given, level) => {
    expect(loadConfig({ LOG_LEVEL: given }).logLevel).toBe(level);
  });

  it('names the bad setting in the error', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['MIGRATIONS_RUN', 'maybe'],
  ])('throws ConfigError for %s=%p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });

  describe('payments', () => {
    const STRIPE = {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_51abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_51abc',
    };

    it('has the documented defaults: demo, EUR, a 15-minute window, refunds until the show', () => {
      expect(loadConfig({}).payments).toEqual({ provider: 'demo', currency: 'EUR', paymentWindowSeconds: 900, refundCutoffMinutes: 0, stripe: undefined });
    });

    it('reads its settings', () => {
      const config = loadConfig({ CURRENCY: 'usd', PAYMENT_WINDOW_SECONDS: '1', REFUND_CUTOFF_MINUTES: '120' });
      expect(config.payments).toMatchObject({ currency: 'USD', paymentWindowSeconds: 1, refundCutoffMinutes: 120 });
    });

    it.each([
      ['CURRENCY', 'EURO'],
      ['CURRENCY', 'XYZ'],
      ['CURRENCY', '€'],
      ['PAYMENT_WINDOW_SECONDS', '0'],
      ['PAYMENT_WINDOW_SECONDS', '15m'],
      ['REFUND_CUTOFF_MINUTES', '-1'],
      ['PAYMENT_PROVIDER', 'paypal'],
    ])('throws ConfigError for %s=%p', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    });

    it('takes Stripe with its keys, prefixing idempotency keys with the cinema name unless told otherwise', () => {
      expect(loadConfig({ ...STRIPE, CINEMA_NAME: 'Roxy Délúxe Kino!' }).payments).toMatchObject({
        provider: 'stripe',
        stripe: { secretKey: 'sk_test_51abc', webhookSecret: 'whsec_abc', publishableKey: 'pk_test_51abc', idempotencyPrefix: 'roxy-deluxe-kino', api: undefined },
      });
      expect(loadConfig({ ...STRIPE, STRIPE_IDEMPOTENCY_PREFIX: 'roxy_prod' }).payments.stripe?.idempotencyPrefix).toBe('roxy_prod');
      expect(() => loadConfig({ ...STRIPE, STRIPE_IDEMPOTENCY_PREFIX: 'roxy prod' })).toThrow(/STRIPE_IDEMPOTENCY_PREFIX/);
      expect(slug('電影院')).toBe('cinema');
    });

    it.each(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PUBLISHABLE_KEY'])('refuses to start with Stripe but no %s, in any environment', (name) => {
      for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'test' }, { ...PRODUCTION, JWT_SECRET: STRONG_SECRET }]) {
        expect(() => loadConfig({ ...env, ...STRIPE, [name]: '' })).toThrow(new RegExp(`PAYMENT_PROVIDER=stripe needs ${name}`));
      }
    });

    it('refuses keys that are not the kind they are named for, and test and live keys mixed', () => {
      expect(() => loadConfig({ ...STRIPE, STRIPE_SECRET_KEY: 'pk_test_51abc' })).toThrow(/STRIPE_SECRET_KEY/);
      expect(() => loadConfig({ ...STRIPE, STRIPE_WEBHOOK_SECRET: 'sk_test_51abc' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
      expect(() => loadConfig({ ...STRIPE, STRIPE_PUBLISHABLE_KEY: 'sk_test_51abc' })).toThrow(/STRIPE_PUBLISHABLE_KEY/);
      expect(() => loadConfig({ ...STRIPE, STRIPE_SECRET_KEY: 'sk_live_51abc' })).toThrow(/both must be test keys or both live keys/);
      expect(loadConfig({ ...STRIPE, STRIPE_SECRET_KEY: 'rk_test_51abc' }).payments.stripe?.secretKey).toBe('rk_test_51abc');
    });

    it('ignores Stripe settings with the demo provider', () => {
      expect(loadConfig({ STRIPE_SECRET_KEY: 'nonsense' }).payments.stripe).toBeUndefined();
    });

    it("splits STRIPE_API_URL into the SDK's host, port and protocol", () => {
      expect(loadConfig({ ...STRIPE, STRIPE_API_URL: 'http://127.0.0.1:4010' }).payments.stripe?.api).toEqual({ host: '127.0.0.1', port: 4010, protocol: 'http' });
      expect(loadConfig({ ...STRIPE, STRIPE_API_URL: 'https://stripe-proxy.internal/' }).payments.stripe?.api).toEqual({ host: 'stripe-proxy.internal', port: 443, protocol: 'https' });
      expect(loadConfig({ ...STRIPE, STRIPE_API_URL: 'http://[::1]:12111' }).payments.stripe?.api).toEqual({ host: '::1', port: 12111, protocol: 'http' });
      for (const url of ['localhost:4010', 'ftp://127.0.0.1', 'http://127.0.0.1:4010/v1', 'http://user:pass@127.0.0.1']) {
        expect(() => loadConfig({ ...STRIPE, STRIPE_API_URL: url })).toThrow(/STRIPE_API_URL/);
      }
    });
  });

  describe('admin account', () => {
    it('is configured only with both a username and a password', () => {
      expect(loadConfig({ ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'boss-password' }).auth.admin).toEqual({
        username: 'boss',
        password: 'boss-password',
        email: expect.stringContaining('@'),
      });
      expect(() => loadConfig({ ADMIN_USERNAME: 'boss' })).toThrow(ConfigError);
      expect(() => loadConfig({ ADMIN_PASSWORD: 'boss-password' })).toThrow(ConfigError);
    });

    it('refuses a password shorter than 8 characters', () => {
      expect(() => loadConfig({ ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'short' })).toThrow(ConfigError);
    });

    it('takes ADMIN_EMAIL when given', () => {
      const config = loadConfig({ ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'boss-password', ADMIN_EMAIL: 'boss@example.com' });
      expect(config.auth.admin?.email).toBe('boss@example.com');
    });
  });
});
