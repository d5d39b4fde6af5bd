import fc from 'fast-check';
import type { Pool } from 'pg';
import { setupE2e } from '../setup/test-app';
import { adminToken, createMovie, createShow, signupAndLogin } from '../factories';

/** How many generated requests each endpoint gets; CI keeps the default, a deeper hunt sets more. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

/** Everything the service stores, as one checksum: equal before and after means the request changed nothing. */
async function fingerprint(pool: Pool): Promise<string> {
  const tables = ['users', 'refresh_tokens', 'movies', 'shows', 'seats', 'bookings', 'holds', 'idempotency_keys'];
  const { rows } = await pool.query(
    `SELECT ${tables.map((t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${t} x) AS ${t}`).join(', ')}`,
  );
  return JSON.stringify(rows[0]);
}

const KNOWN_FIELDS = [
  'username', 'email', 'password', 'refresh', 'title', 'duration_minutes', 'screen_name', 'date_time', 'total_seats',
  'seat_number', 'seat_numbers', 'status', 'search', 'limit', 'offset', '__proto__', 'constructor',
];

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1e20, 2 ** 31, -(2 ** 31) - 1, 1.5, Number.MAX_SAFE_INTEGER),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '1', 'true', '2026-13-45T99:99:99Z', 'x'.repeat(300)),
  fc.array(fc.oneof(fc.integer({ min: -3, max: 3000 }), fc.string({ maxLength: 4 })), { maxLength: 12 }),
);

const body = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_FIELDS), fc.string({ maxLength: 8 })), value, { maxKeys: 5 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const id = fc.oneof(
  fc.integer({ min: -5, max: 5_000_000_000 }),
  fc.constantFrom('0x10', '1e3', '01', '-1', '..', '%00', '%ED%A0%80', 'null', '1.0', ' 1'),
  fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => encodeURIComponent(s)),
);

const query = fc.dictionary(fc.oneof(fc.constantFrom('limit', 'offset', 'search', 'status'), fc.string({ maxLength: 6 })), fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String)), {
  maxKeys: 3,
});

type Method = 'get' | 'post' | 'patch' | 'delete';
const ENDPOINTS: [Method, (id: string) => string, 'body' | 'query' | 'none'][] = [
  ['post', () => '/signup/', 'body'],
  ['post', () => '/login/', 'body'],
  ['post', () => '/login/refresh/', 'body'],
  ['post', () => '/logout/', 'body'],
  ['get', () => '/me/', 'none'],
  ['get', () => '/movies/', 'query'],
  ['get', (i) => `/movies/${i}/`, 'none'],
  ['post', () => '/movies/', 'body'],
  ['patch', (i) => `/movies/${i}/`, 'body'],
  ['delete', (i) => `/movies/${i}/`, 'none'],
  ['get', (i) => `/movies/${i}/shows/`, 'query'],
  ['post', (i) => `/movies/${i}/shows/`, 'body'],
  ['get', (i) => `/shows/${i}/`, 'none'],
  ['patch', (i) => `/shows/${i}/`, 'body'],
  ['delete', (i) => `/shows/${i}/`, 'none'],
  ['get', (i) => `/shows/${i}/seats/`, 'none'],
  ['post', (i) => `/shows/${i}/book/`, 'body'],
  ['post', (i) => `/shows/${i}/holds/`, 'body'],
  ['post', (i) => `/holds/${i}/confirm/`, 'body'],
  ['delete', (i) => `/holds/${i}/`, 'body'],
  ['get', () => '/my-bookings/', 'query'],
  ['post', (i) => `/bookings/${i}/cancel/`, 'body'],
];

/**
 * Property-based fuzzing of every endpoint's body, path and query, by every
 * kind of caller (nobody, a customer, an admin, a forged token): never a 5xx,
 * every error a problem+json, and a 4xx changes nothing in the database.
 */
describe('fuzzing every endpoint (fast-check, e2e)', () => {
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  let callers: (string | undefined)[];
  let known: number[];

  beforeAll(async () => {
    ctx = await setupE2e();
    const admin = await adminToken(ctx.http);
    const customer = await signupAndLogin(ctx.http);
    const movie = await createMovie(ctx.http, admin);
    const show = await createShow(ctx.http, admin, movie.id, { total_seats: 30 });
    const hold = await ctx.http().post(`/shows/${show.id}/holds/`).set('Authorization', `Bearer ${customer.access}`).send({ seat_numbers: [1] });
    const booking = await ctx.http().post(`/shows/${show.id}/book/`).set('Authorization', `Bearer ${customer.access}`).send({ seat_number: 2 });
    callers = [undefined, customer.access, admin, 'not.a.token'];
    known = [movie.id, show.id, hold.body.id, booking.body.id];
  });
  afterAll(() => ctx?.teardown());

  it.each(ENDPOINTS.map(([method, path, input]) => [`${method.toUpperCase()} ${path(':id')}`, method, path, input] as const))(
    '%s',
    async (_name, method, path, input) => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(id.map(String), fc.constantFrom(...known.map(String))),
          fc.constantFrom(...callers.keys()),
          body,
          query,
          async (pathId, caller, payload, search) => {
            const before = await fingerprint(ctx.db.pool);
            let req = ctx.http()[method](path(pathId));
            const token = callers[caller];
            if (token) req = req.set('Authorization', `Bearer ${token}`);
            if (input === 'query') req = req.query(search);
            // Raw JSON text: any JSON value, not only objects, and lone surrogates escaped as the JSON spec allows.
            const res = input === 'body' ? await req.set('content-type', 'application/json').send(JSON.stringify(payload)) : await req;
            expect({ status: res.status, body: res.status >= 500 ? res.body : undefined }).toEqual({ status: expect.any(Number), body: undefined });
            expect(res.status).toBeLessThan(500);
            if (res.status >= 400) {
              expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
              expect(await fingerprint(ctx.db.pool)).toBe(before);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    60_000,
  );
});
