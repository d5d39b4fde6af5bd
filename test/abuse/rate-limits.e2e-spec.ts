import { get, IncomingMessage } from 'node:http';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { StreamCaps } from '../../src/limits/stream-caps';
import { waitFor } from '../support/wait';
import { setupE2e, startTestApp, UNLIMITED } from '../setup/test-app';
import { adminToken, createMovie, createShow, signupAndLogin, TestUser } from '../factories';
import { apiOf } from '../support/api';
import { expectProblem } from '../support/problem';

/** The IETF RateLimit headers of an answer: policy name → {q, w} and {r, t}. */
function rateHeaders(headers: Record<string, string>) {
  const parse = (value: string | undefined) =>
    Object.fromEntries(
      (value ?? '')
        .split(/,\s*/)
        .filter(Boolean)
        .map((item) => {
          const [name, ...params] = item.split(';');
          return [JSON.parse(name), Object.fromEntries(params.map((p) => [p.split('=')[0], Number(p.split('=')[1])]))];
        }),
    );
  return { policy: parse(headers['ratelimit-policy']), state: parse(headers['ratelimit']) };
}

describe('rate limits (e2e)', () => {
  describe('signups from one address (SIGNUPS_PER_IP_PER_HOUR=10)', () => {
    let ctx: Awaited<ReturnType<typeof setupE2e>>;
    beforeAll(async () => (ctx = await setupE2e({ env: { SIGNUPS_PER_IP_PER_HOUR: '10' } })));
    afterAll(() => ctx?.teardown());

    it('allows 10 an hour, then 429 RATE_LIMITED with Retry-After and the RateLimit headers, creating nothing', async () => {
      const answers = [];
      for (let i = 0; i < 12; i++) answers.push(await apiOf(ctx).signup({ username: `flood_${i}`, email: `flood${i}@example.com`, password: 'password123' }));
      expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(201), 429, 429]);
      const refused = answers[10];
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
      expect(rateHeaders(refused.headers).policy['signups-per-ip']).toEqual({ q: 10, w: 3600 });
      expect(rateHeaders(answers[3].headers).state['signups-per-ip']).toMatchObject({ r: 6 });
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM users WHERE username LIKE 'flood_%'`);
      expect(rows[0].n).toBe(10);
    });
  });

  describe('the per-address ceiling (RATE_LIMIT_PER_IP_PER_MINUTE=30)', () => {
    let ctx: Awaited<ReturnType<typeof setupE2e>>;
    beforeAll(async () => (ctx = await setupE2e({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: '30' } })));
    afterAll(() => ctx?.teardown());

    it('limits every route, 404s included, answers with the policy, and never the health probes', async () => {
      const answers = [];
      for (let i = 0; i < 32; i++) answers.push(await (i % 2 ? apiOf(ctx).movies() : ctx.http().get('/no-such-thing')));
      expect(answers.slice(0, 30).every((a) => a.status !== 429)).toBe(true);
      expectProblem(answers[30], 429, 'RATE_LIMITED');
      expect(rateHeaders(answers[0].headers).policy['per-ip']).toEqual({ q: 30, w: 60 });
      await ctx.http().get('/health').expect(200);
      await ctx.http().get('/health/live').expect(200);
    });
  });

  describe('bookings and holds per account (BOOKINGS_PER_USER_PER_MINUTE=3, HOLDS_PER_USER_PER_MINUTE=2)', () => {
    let ctx: Awaited<ReturnType<typeof setupE2e>>;
    let showId: number;
    let users: TestUser[];
    beforeAll(async () => {
      ctx = await setupE2e({ env: { BOOKINGS_PER_USER_PER_MINUTE: '3', HOLDS_PER_USER_PER_MINUTE: '2' } });
      const admin = await adminToken(ctx.http);
      showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin)).id, { total_seats: 50 })).id;
      users = [await signupAndLogin(ctx.http), await signupAndLogin(ctx.http)];
    });
    afterAll(() => ctx?.teardown());

    it('counts per account: the fourth booking of one customer is refused, another customer books on', async () => {
      const [one, two] = users;
      const statuses = [];
      for (const seat of [1, 2, 3, 4]) statuses.push((await apiOf(ctx).book(one, showId, seat)).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      await apiOf(ctx).book(two, showId, 5).expect(201);
      expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1`, [showId])).rows[0].n).toBe(4);
    });

    it('holds have their own allowance', async () => {
      const [, two] = users;
      const statuses = [];
      for (const seat of [10, 11, 12]) statuses.push((await apiOf(ctx).hold(two, showId, [seat])).status);
      expect(statuses).toEqual([201, 201, 429]);
    });
  });

  describe('seat streams (SSE_STREAMS_PER_IP=3, SSE_STREAMS_TOTAL=5)', () => {
    let ctx: Awaited<ReturnType<typeof setupE2e>>;
    let showId: number;
    const open: IncomingMessage[] = [];
    beforeAll(async () => {
      ctx = await setupE2e({ env: { SSE_STREAMS_PER_IP: '3', SSE_STREAMS_TOTAL: '5', TRUSTED_PROXIES: '127.0.0.1' } });
      const admin = await adminToken(ctx.http);
      showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin)).id)).id;
    });
    afterAll(async () => {
      for (const res of open) res.destroy();
      await ctx?.teardown();
    });

    const stream = async (client: string) => {
      const res = await new Promise<IncomingMessage>((resolve, reject) =>
        get(`${ctx.url}/shows/${showId}/seats/stream`, { headers: { 'x-forwarded-for': client } }, resolve).on('error', reject),
      );
      open.push(res);
      return res;
    };

    it('takes 3 streams from one address, then 429; the place comes back when a stream closes; at most 5 in all', async () => {
      const mine = [await stream('203.0.113.1'), await stream('203.0.113.1'), await stream('203.0.113.1')];
      expect(mine.map((res) => res.statusCode)).toEqual([200, 200, 200]);
      const fourth = await stream('203.0.113.1');
      expect(fourth.statusCode).toBe(429);
      expect(fourth.headers['content-type']).toMatch(/^application\/problem\+json/);
      mine[0].destroy();
      await waitFor('the closed stream to give its place back', () => ctx.app.get(StreamCaps).openStreams === 2);
      expect((await stream('203.0.113.1')).statusCode).toBe(200);
      expect([(await stream('203.0.113.2')).statusCode, (await stream('203.0.113.3')).statusCode]).toEqual([200, 200]);
      expect((await stream('203.0.113.4')).statusCode).toBe(429);
    });
  });

  describe('idempotency keys (IDEMPOTENCY_KEYS_PER_USER_PER_HOUR=5)', () => {
    let ctx: Awaited<ReturnType<typeof setupE2e>>;
    let showId: number;
    let user: TestUser;
    beforeAll(async () => {
      ctx = await setupE2e({ env: { IDEMPOTENCY_KEYS_PER_USER_PER_HOUR: '5' } });
      const admin = await adminToken(ctx.http);
      showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin)).id, { total_seats: 50 })).id;
      user = await signupAndLogin(ctx.http);
    });
    afterAll(() => ctx?.teardown());

    it('stores 5 new keys an hour per customer; the sixth request is refused and stores nothing; replays still work', async () => {
      const statuses = [];
      for (let i = 1; i <= 6; i++) statuses.push((await apiOf(ctx).book(user, showId, i, { key: `key-${i}` })).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
      const { rows } = await ctx.db.pool.query(`SELECT key FROM idempotency_keys WHERE user_id = $1 ORDER BY key`, [user.id]);
      expect(rows.map((r) => r.key)).toEqual(['key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
      const replay = await apiOf(ctx).book(user, showId, 1, { key: 'key-1' });
      expect({ status: replay.status, replayed: replay.headers['idempotent-replayed'] }).toEqual({ status: 201, replayed: 'true' });
      expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1 AND seat_number = 6`, [showId])).rows[0].n).toBe(0);
    });

    it('expired keys are deleted by a clean-up that every instance may run at once', async () => {
      await ctx.db.pool.query(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, status, response_status, response_body, created_at)
         SELECT $1, 'old-' || n, repeat('0', 64), 'completed', 201, '{}', now() - interval '25 hours' FROM generate_series(1, 2500) AS n`,
        [user.id],
      );
      const other = await startTestApp(ctx.db.url, { env: UNLIMITED });
      try {
        const deleted = await Promise.all([ctx.app.get(IdempotencyService).deleteExpired(), other.app.get(IdempotencyService).deleteExpired()]);
        expect(deleted[0] + deleted[1]).toBe(2500);
      } finally {
        await other.close();
      }
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE 'old-%'`);
      expect(rows[0].n).toBe(0);
      expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE user_id = $1`, [user.id])).rows[0].n).toBe(5);
    });
  });
});
