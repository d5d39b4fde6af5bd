import { STATUS_CODES } from 'node:http';
import type { Response } from 'supertest';
import { bearer, createMovie, createShow, CustomerWorld, customerWorld, unique } from './factories';
import { createTestDatabase, startTestApp } from './setup/test-app';
import { expectProblem } from './support/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What must never reach a client: SQL, stack traces, internal names. */
const LEAKS = [/\bSELECT\b/i, /\bINSERT\s+INTO\b/i, /stack/i, /\bat\s+\S+\s+\(?[^\s)]*:\d+:\d+\)?/, /\n\s+at\s/, /node_modules/, /QueryFailedError/, /typeorm/i];

function expectNoLeak(res: Response): void {
  for (const leak of LEAKS) expect({ status: res.status, text: res.text, leak: leak.test(res.text) }).toMatchObject({ leak: false });
}

describe('HTTP conventions (e2e)', () => {
  let { ctx, admin, customer } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, admin, customer } = await customerWorld());
  });

  afterAll(() => ctx?.teardown());

  const postRaw = (path: string, contentType: string, body: string | Buffer) =>
    ctx.http().post(path).set('Content-Type', contentType).send(body);
  const validSignup = () => {
    const username = `u_${unique()}`;
    return { username, email: `${username}@example.com`, password: 'password123' };
  };

  describe('problem details', () => {
    it('writes every kind of error as application/problem+json {type, title, status, detail, code}', async () => {
      const movie = await createMovie(ctx.http, admin);
      await createShow(ctx.http, admin, movie.id);
      const answers: [string, Response][] = [
        ['unknown route', await ctx.http().get(`/no-such-route-${unique()}`)],
        ['unknown route, POST', await ctx.http().post('/no/such/route').send({})],
        ['validation', await ctx.http().post('/signup/').send({})],
        ['malformed JSON', await postRaw('/signup/', 'application/json', '{"username": ')],
        ['no token', await ctx.http().get('/me/')],
        ['bad token', await ctx.http().get('/me/').set(bearer('x.y.z'))],
        ['not an admin', await ctx.http().post('/movies/').set(bearer(customer.access)).send({ title: 'X', duration_minutes: 9 })],
        ['not found', await ctx.http().get('/movies/2147483647')],
        ['conflict', await ctx.http().delete(`/movies/${movie.id}`).set(bearer(admin))],
        ['media type', await postRaw('/signup/', 'text/plain', 'hello')],
        ['too large', await postRaw('/signup/', 'application/json', JSON.stringify({ username: 'x'.repeat(110 * 1024) }))],
        ['bad id', await ctx.http().get('/movies/abc')],
      ];
      for (const [label, res] of answers) {
        expect({ label, contentType: res.headers['content-type'] }).toEqual({
          label,
          contentType: expect.stringMatching(/^application\/problem\+json/),
        });
        expect({ label, body: res.body }).toEqual({
          label,
          body: expect.objectContaining({
            type: expect.any(String),
            title: STATUS_CODES[res.status],
            status: res.status,
            detail: expect.any(String),
            code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
          }),
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expectNoLeak(res);
      }
    });

    it('lists {field, message} pairs for validation failures', async () => {
      const res = await ctx.http().post('/signup/').send({ username: 5, email: 'nope', password: 'short' });
      const body = expectProblem(res, 400, 'VALIDATION_FAILED');
      const errors = body.errors as { field: string; message: string }[];
      expect(errors.map((e) => e.field).sort()).toEqual(['email', 'password', 'username']);
      for (const error of errors) expect(Object.keys(error).sort()).toEqual(['field', 'message']);
    });

    it('answers an unknown route with 404 NOT_FOUND', async () => {
      expectProblem(await ctx.http().get('/nowhere'), 404, 'NOT_FOUND');
      expectProblem(await ctx.http().get('/movies/1/nowhere/'), 404, 'NOT_FOUND');
    });
  });

  describe('request bodies', () => {
    it.each(['{"username": ', '{bad json}', "{'username': 'x'}", '{"a": 1,}', '{"a": 1}}'])(
      'answers malformed JSON %p with 400 MALFORMED_JSON',
      async (text) => {
        const res = await postRaw('/signup/', 'application/json', text);
        expectProblem(res, 400, 'MALFORMED_JSON');
        expectNoLeak(res);
      },
    );

    it('answers an empty body that claims to be JSON with 400 MALFORMED_JSON', async () => {
      expectProblem(await postRaw('/signup/', 'application/json', ''), 400, 'MALFORMED_JSON');
    });

    it.each([
      ['text/plain', 'username=x'],
      ['application/xml', '<signup><username>x</username></signup>'],
      ['multipart/form-data; boundary=X', '--X\r\nContent-Disposition: form-data; name="username"\r\n\r\nx\r\n--X--\r\n'],
    ])('answers a %s body with 415 UNSUPPORTED_MEDIA_TYPE', async (contentType, body) => {
      expectProblem(await postRaw('/signup/', contentType, body), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a form-encoded body with 415 and creates no account from it', async () => {
      const { username, email, password } = validSignup();
      const form = new URLSearchParams({ username, email, password }).toString();
      const res = await postRaw('/signup/', 'application/x-www-form-urlencoded', form);
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const { rows } = await ctx.db.pool.query('SELECT 1 FROM users WHERE username = $1', [username]);
      expect(rows).toHaveLength(0);
    });

    it('accepts application/json with a charset', async () => {
      const res = await postRaw('/signup/', 'application/json; charset=utf-8', JSON.stringify(validSignup()));
      expect(res.status).toBe(201);
    });

    it('answers a body over 100 KiB with 413 PAYLOAD_TOO_LARGE, and lets one just under through to validation', async () => {
      const padded = (bytes: number) => {
        const body = JSON.stringify({ ...validSignup(), username: '' });
        return body.replace('"username":""', `"username":"${'u'.repeat(bytes - body.length)}"`);
      };
      const over = padded(100 * 1024 + 1);
      expect(Buffer.byteLength(over)).toBe(100 * 1024 + 1);
      expectProblem(await postRaw('/signup/', 'application/json', over), 413, 'PAYLOAD_TOO_LARGE');

      const under = padded(100 * 1024);
      expect(Buffer.byteLength(under)).toBe(100 * 1024);
      const res = await postRaw('/signup/', 'application/json', under);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it.each([
      ['an array', '[]'],
      ['an array of an object', JSON.stringify([validSignup()])],
      ['null', 'null'],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['true', 'true'],
    ])('answers a JSON body that is %s with 400 and creates nothing', async (_label, text) => {
      const before = await ctx.db.pool.query('SELECT count(*)::int AS n FROM users');
      const res = await postRaw('/signup/', 'application/json', text);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toMatch(/^(VALIDATION_FAILED|MALFORMED_JSON)$/);
      const after = await ctx.db.pool.query('SELECT count(*)::int AS n FROM users');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('refuses __proto__ in a body with 400 instead of letting it through', async () => {
      const text = `{"__proto__": {"role": "admin"}, ${JSON.stringify(validSignup()).slice(1)}`;
      const res = await postRaw('/signup/', 'application/json', text);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

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
      const ok = await ctx.http().get('/movies/').expect(200);
      const error = await ctx.http().get('/nowhere');
      const created = await ctx.http().post('/signup/').send(validSignup()).expect(201);
      const ids = [ok, error, created].map((res) => res.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(3);
    });

    it("keeps a caller's sane X-Request-Id and replaces one that is not", async () => {
      const given = `trace-${unique()}`;
      expect((await ctx.http().get('/health').set('X-Request-Id', given)).headers['x-request-id']).toBe(given);
      for (const bad of ['has spaces in it', 'x'.repeat(65), 'semi;colon', '../../etc/passwd', '<script>']) {
        const res = await ctx.http().get('/health').set('X-Request-Id', bad);
        expect(res.headers['x-request-id']).toMatch(UUID);
      }
    });
  });

  describe('health', () => {
    it('answers GET /health with 200 {status: "ok"} without a token', async () => {
      const res = await ctx.http().get('/health').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers 503 problem+json when its database is gone', async () => {
      const db = await createTestDatabase();
      const app = await startTestApp(db.url);
      try {
        await app.http().get('/health').expect(200);
        const dbName = new URL(db.url).pathname.slice(1);
        // Kill the app's connections and remove the database under it.
        await ctx.db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
        await db.drop();
        const res = await app.http().get('/health');
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

  describe('bad input never leaks internals or fails with a 500', () => {
    it('answers a battery of hostile requests with 4xx problems and nothing internal', async () => {
      const movie = await createMovie(ctx.http, admin);
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 5 });
      const requests: [string, () => Promise<Response>][] = [
        ['SQL in search', () => ctx.http().get('/movies/').query({ search: "'; SELECT pg_sleep(10);--" })],
        ['NUL in search', () => ctx.http().get('/movies/?search=%00')],
        ['NUL in login', () => ctx.http().post('/login/').send({ username: 'a\u0000b', password: 'password123' })],
        ['NUL in title', () => ctx.http().post('/movies/').set(bearer(admin)).send({ title: 'a\u0000b', duration_minutes: 9 })],
        ['huge id', () => ctx.http().get('/movies/99999999999999999999999')],
        ['SQL in id', () => ctx.http().get(`/movies/${encodeURIComponent('1 OR 1=1')}`)],
        ['negative id', () => ctx.http().get('/shows/-5')],
        ['huge limit', () => ctx.http().get('/movies/?limit=99999999999999999999')],
        ['huge offset', () => ctx.http().get('/movies/?offset=99999999999999999999')],
        ['broken percent-encoding in a query', () => ctx.http().get('/movies/?search=%E0%A4%A')],
        ['huge seat number', () => ctx.http().post(`/shows/${show.id}/book/`).set(bearer(customer.access)).send({ seat_number: 2 ** 53 })],
        ['seat number 1e400', () => postRaw(`/shows/${show.id}/book/`, 'application/json', '{"seat_number": 1e400}').set(bearer(customer.access))],
        ['seat number as object', () => ctx.http().post(`/shows/${show.id}/book/`).set(bearer(customer.access)).send({ seat_number: { $gt: 0 } })],
        ['bad date', () => ctx.http().post(`/movies/${movie.id}/shows/`).set(bearer(admin)).send({ screen_name: 'S', date_time: '2031-13-45T99:99:99Z', total_seats: 5 })],
        ['far-future date', () => ctx.http().post(`/movies/${movie.id}/shows/`).set(bearer(admin)).send({ screen_name: `S${unique()}`, date_time: '9999-12-31T23:00:00-14:00', total_seats: 5 })],
        ['garbage token', () => ctx.http().get('/my-bookings/').set('Authorization', `Bearer ${'A'.repeat(5000)}`)],
        ['token with SQL', () => ctx.http().get('/me/').set('Authorization', "Bearer ' OR 1=1 --")],
        ['refresh with SQL', () => ctx.http().post('/login/refresh/').send({ refresh: "'; DROP TABLE users;--" })],
      ];
      for (const [label, send] of requests) {
        const res = await send();
        expect({ label, status: res.status, serverError: res.status >= 500 }).toMatchObject({ label, serverError: false });
        expectNoLeak(res);
        if (res.status >= 400) expect({ label, type: res.headers['content-type'] }).toEqual({ label, type: expect.stringMatching(/^application\/problem\+json/) });
      }
    });

    it('answers a deeply nested JSON body (well under the size limit) with 400, not 500', async () => {
      const deep = '{"title":' + '['.repeat(5000) + ']'.repeat(5000) + ',"duration_minutes":90}';
      const res = await postRaw('/movies/', 'application/json', deep).set(bearer(admin));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expectNoLeak(res);
    });

    it('answers a path with broken percent-encoding with a 400 problem', async () => {
      const res = await ctx.http().get('/movies/%ZZ');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectNoLeak(res);
    });
  });
});
