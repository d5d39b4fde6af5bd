import { STATUS_CODES } from 'node:http';
import type { Response } from 'supertest';
import { bearer, createMovie, createShow, CustomerWorld, customerWorld, unique } from '../factories';
import { expectNoLeak, expectProblem } from '../support/problem';

describe('HTTP conventions (e2e)', () => {
  let { ctx, api, admin, customer } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, customer } = await customerWorld());
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
        ['validation', await api.signup({})],
        ['malformed JSON', await postRaw('/signup/', 'application/json', '{"username": ')],
        ['no token', await api.me(undefined)],
        ['bad token', await api.me('x.y.z')],
        ['not an admin', await api.createMovie(customer, { title: 'X', duration_minutes: 9 })],
        ['not found', await api.movie(2147483647)],
        ['conflict', await api.deleteMovie(admin, movie.id)],
        ['media type', await postRaw('/signup/', 'text/plain', 'hello')],
        ['too large', await postRaw('/signup/', 'application/json', JSON.stringify({ username: 'x'.repeat(110 * 1024) }))],
        ['bad id', await api.movie('abc')],
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
      const res = await api.signup({ username: 5, email: 'nope', password: 'short' });
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
