import { bearer, createMovie, createShow, CustomerWorld, customerWorld, unique } from '../factories';
import { createTestDatabase, startTestApp } from '../setup/test-app';
import { expectNoLeak, expectProblem } from '../support/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('HTTP conventions (e2e)', () => {
  let { ctx, api, admin, customer } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, customer } = await customerWorld());
  });

  afterAll(() => ctx?.teardown());

  const validSignup = () => {
    const username = `u_${unique()}`;
    return { username, email: `${username}@example.com`, password: 'password123' };
  };

  describe('paths', () => {
    it('serves GET /movies and /movies/ alike', async () => {
      await createMovie(ctx.http, admin);
      const bare = await ctx.http().get('/movies').expect(200);
      const slashed = await ctx.http().get('/movies/').expect(200);
      expect(slashed.body).toEqual(bare.body);
      expect(bare.body.length).toBeGreaterThan(0);
      expect(slashed.headers['x-total-count']).toBe(bare.headers['x-total-count']);
    });

    it('serves POST /signup and /signup/ alike', async () => {
      const a = validSignup();
      const b = validSignup();
      expect((await ctx.http().post('/signup').send(a).expect(201)).body.username).toBe(a.username);
      expect((await ctx.http().post('/signup/').send(b).expect(201)).body.username).toBe(b.username);
    });

    it.each(['/health', '/me', '/movies/{movie}', '/movies/{movie}/shows', '/shows/{show}', '/my-bookings'])(
      'serves %s with and without a trailing slash',
      async (template) => {
        const movie = await createMovie(ctx.http, admin);
        const show = await createShow(ctx.http, admin, movie.id);
        const path = template.replace('{movie}', String(movie.id)).replace('{show}', String(show.id));
        const bare = await ctx.http().get(path).set(bearer(customer.access)).expect(200);
        const slashed = await ctx.http().get(`${path}/`).set(bearer(customer.access)).expect(200);
        expect(slashed.body).toEqual(bare.body);
      },
    );

    it('books through /shows/{id}/book and /shows/{id}/book/ alike', async () => {
      const movie = await createMovie(ctx.http, admin);
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 5 });
      await ctx.http().post(`/shows/${show.id}/book`).set(bearer(customer.access)).send({ seat_number: 1 }).expect(201);
      await ctx.http().post(`/shows/${show.id}/book/`).set(bearer(customer.access)).send({ seat_number: 2 }).expect(201);
    });
  });

  describe('request ids', () => {
    it('returns an X-Request-Id on every answer, a fresh one each time', async () => {
      const ok = await api.movies().expect(200);
      const error = await ctx.http().get('/nowhere');
      const created = await api.signup(validSignup()).expect(201);
      const ids = [ok, error, created].map((res) => res.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(3);
    });

    it("keeps a caller's sane X-Request-Id and replaces one that is not", async () => {
      const given = `trace-${unique()}`;
      expect((await api.health({ headers: { 'X-Request-Id': given } })).headers['x-request-id']).toBe(given);
      for (const bad of ['has spaces in it', 'x'.repeat(65), 'semi;colon', '../../etc/passwd', '<script>']) {
        const res = await api.health({ headers: { 'X-Request-Id': bad } });
        expect(res.headers['x-request-id']).toMatch(UUID);
      }
    });
  });

  describe('health', () => {
    it('answers GET /health with 200 {status: "ok"} without a token', async () => {
      const res = await api.health().expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers 503 problem+json when its database is gone', async () => {
      const db = await createTestDatabase();
      const app = await startTestApp(db.url);
      try {
        await api.health({ via: app }).expect(200);
        const dbName = new URL(db.url).pathname.slice(1);
        // Kill the app's connections and remove the database under it.
        await ctx.db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
        await db.drop();
        const res = await api.health({ via: app });
        const body = expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
        expect(body).not.toHaveProperty('stack');
        expectNoLeak(res);
        // And it stays 503 rather than recovering by accident or hanging.
        expectProblem(await app.http().get('/health/'), 503, 'SERVICE_UNAVAILABLE');
      } finally {
        await app.close().catch(() => undefined);
        await db.drop().catch(() => undefined);
      }
    });
  });

  describe('Swagger', () => {
    it('serves the Swagger UI at /swagger and /swagger/', async () => {
      for (const path of ['/swagger', '/swagger/']) {
        const res = await ctx.http().get(path).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toMatch(/swagger-ui/i);
      }
    });

    it('serves the OpenAPI document at /swagger-json with a bearer scheme on exactly the protected operations', async () => {
      const res = await ctx.http().get('/swagger-json').expect(200);
      const doc = res.body as {
        openapi: string;
        components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
        paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
      };
      expect(doc.openapi).toMatch(/^3\./);
      const schemes = Object.entries(doc.components.securitySchemes).filter(([, s]) => s.type === 'http' && s.scheme === 'bearer');
      expect(schemes).toHaveLength(1);
      const [schemeName] = schemes[0];
      const needsBearer = (path: string, method: string) =>
        (doc.paths[path]?.[method]?.security ?? []).some((requirement) => schemeName in requirement);

      expect(doc.paths['/shows/{id}/book']?.post).toBeDefined();
      expect(needsBearer('/shows/{id}/book', 'post')).toBe(true);
      expect(doc.paths['/movies']?.get).toBeDefined();
      expect(needsBearer('/movies', 'get')).toBe(false);
      expect(needsBearer('/me', 'get')).toBe(true);
      expect(needsBearer('/movies', 'post')).toBe(true);
      expect(needsBearer('/signup', 'post')).toBe(false);
      expect(needsBearer('/login', 'post')).toBe(false);
      expect(needsBearer('/health', 'get')).toBe(false);
    });

    it('documents auth truthfully: an operation marked as needing a token answers 401 without one, and no other does', async () => {
      const doc = (await ctx.http().get('/swagger-json').expect(200)).body as {
        paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, { content?: object }> }>>;
      };
      const checked: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          const streams = Object.values(op.responses ?? {}).some((r) => r.content && 'text/event-stream' in r.content);
          if (streams || /stream/.test(path)) continue;
          const url = path.replace(/\{[^}]+\}/g, '2147483647');
          const res = await ctx.http()[method as 'get' | 'post' | 'patch' | 'delete'](url).send({});
          const documented = (op.security ?? []).length > 0;
          expect({ op: `${method.toUpperCase()} ${path}`, unauthorized: res.status === 401 }).toEqual({
            op: `${method.toUpperCase()} ${path}`,
            unauthorized: documented,
          });
          checked.push(`${method} ${path}`);
        }
      }
      expect(checked.length).toBeGreaterThanOrEqual(15);
    });
  });
});
