import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/app-config';
import { bearer, signupAndLogin, TestUser, unique } from './factories';
import { ADMIN, E2eContext, setupE2e, startTestApp } from './setup/test-app';
import { base64url, expectProblem, invalidFields } from './support/problem';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

describe('auth (e2e)', () => {
  let ctx: E2eContext;

  beforeAll(async () => {
    ctx = await setupE2e();
  });

  afterAll(() => ctx?.teardown());

  const signup = (body: unknown) => ctx.http().post('/signup/').send(body as object);
  const validSignup = (overrides: Record<string, unknown> = {}) => {
    const username = `u_${unique()}`;
    return { username, email: `${username}@example.com`, password: 'password123', ...overrides };
  };

  /** A new session of one shared account: one password check instead of a signup and a login. */
  let shared: TestUser;
  const session = async (): Promise<TestUser> => {
    shared ??= await signupAndLogin(ctx.http);
    const login = await ctx.http().post('/login/').send({ username: shared.username, password: shared.password }).expect(200);
    return { ...shared, access: login.body.access, refresh: login.body.refresh };
  };

  describe('POST /signup/', () => {
    it('creates a customer: 201 {id, username, email} and never the password', async () => {
      const body = validSignup();
      const res = await signup(body).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ id: expect.any(Number), username: body.username, email: body.email });
      expect(res.text).not.toContain(body.password);
    });

    it('stores a salted argon2id hash, never the password itself', async () => {
      const password = 'correct horse battery staple';
      const a = await signup(validSignup({ password })).expect(201);
      const b = await signup(validSignup({ password })).expect(201);
      const { rows } = await ctx.db.pool.query('SELECT password_hash, role FROM users WHERE id = ANY($1) ORDER BY id', [
        [a.body.id, b.body.id],
      ]);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.password_hash).toMatch(/^\$argon2id\$/);
        expect(row.password_hash).not.toContain(password);
        expect(row.role).toBe('customer');
      }
      expect(rows[0].password_hash).not.toBe(rows[1].password_hash);
    });

    it.each([
      ['3 characters', 'abc'],
      ['150 characters', 'a'.repeat(140) + unique().slice(0, 8) + 'zz'],
      ['every allowed symbol', `a@b.c+d-e_${unique()}`],
      ['digits only', `${Date.now()}${Math.floor(Math.random() * 1000)}`],
    ])('accepts a username of %s', async (_label, username) => {
      const res = await signup(validSignup({ username, email: 'someone@example.com' })).expect(201);
      expect(res.body.username).toBe(username);
    });

    it.each([
      ['2 characters', 'ab'],
      ['151 characters', 'a'.repeat(151)],
      ['empty', ''],
      ['a space', 'john doe'],
      ['a slash', 'john/doe'],
      ['an exclamation mark', 'john!'],
      ['a quote', "o'brien"],
      ['a leading space', ' johnny'],
      ['a newline', 'john\ndoe'],
    ])('rejects a username with %s: 400 VALIDATION_FAILED on username', async (_label, username) => {
      const res = await signup(validSignup({ username }));
      expect(invalidFields(res)).toEqual(['username']);
    });

    it.each(['not-an-email', 'a@', '@example.com', 'john@', 'john doe@example.com', ''])(
      'rejects the email %p: 400 VALIDATION_FAILED on email',
      async (email) => {
        const res = await signup(validSignup({ email }));
        expect(invalidFields(res)).toEqual(['email']);
      },
    );

    it('accepts passwords of 8 and 128 characters, rejects 7 and 129', async () => {
      await signup(validSignup({ password: 'x'.repeat(8) })).expect(201);
      await signup(validSignup({ password: 'x'.repeat(128) })).expect(201);
      expect(invalidFields(await signup(validSignup({ password: 'x'.repeat(7) })))).toEqual(['password']);
      expect(invalidFields(await signup(validSignup({ password: 'x'.repeat(129) })))).toEqual(['password']);
    });

    it('answers 409 USERNAME_TAKEN for a taken username, whatever its case, and keeps the first account', async () => {
      const first = validSignup({ username: `Taken_${unique()}` });
      await signup(first).expect(201);
      for (const username of [first.username.toLowerCase(), first.username.toUpperCase()]) {
        const res = await signup(validSignup({ username, password: 'another-password' }));
        expectProblem(res, 409, 'USERNAME_TAKEN');
      }
      const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1)', [
        first.username,
      ]);
      expect(rows[0].n).toBe(1);
      await ctx.http().post('/login/').send({ username: first.username, password: first.password }).expect(200);
    });

    it('gives exactly one account when the same username signs up twice at once', async () => {
      const body = validSignup();
      const results = await Promise.all([signup(body), signup({ ...body, username: body.username.toUpperCase() })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1)', [
        body.username,
      ]);
      expect(rows[0].n).toBe(1);
    });

    it.each([
      ['username', 12345],
      ['username', ['john']],
      ['username', { name: 'john' }],
      ['email', true],
      ['password', 12345678],
      ['password', null],
    ])('rejects %s of the wrong type (%p) with 400 VALIDATION_FAILED and a field error', async (field, value) => {
      const res = await signup(validSignup({ [field]: value }));
      expect(invalidFields(res)).toEqual([field]);
      expect((res.body.errors as { message: string }[])[0].message.length).toBeGreaterThan(0);
    });

    it('names every missing field', async () => {
      const res = await signup({});
      expect(invalidFields(res).sort()).toEqual(['email', 'password', 'username']);
    });

    it.each([{ role: 'admin' }, { is_staff: true }, { id: 1 }])(
      'rejects an unknown field (%p) with 400 and creates nothing',
      async (extra) => {
        const body = validSignup(extra);
        const res = await signup(body);
        expect(invalidFields(res)).toEqual(Object.keys(extra));
        const { rows } = await ctx.db.pool.query('SELECT 1 FROM users WHERE username = $1', [body.username]);
        expect(rows).toHaveLength(0);
      },
    );
  });

  describe('POST /login/', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await session();
    });

    it('answers 200 {access, refresh} for the right password', async () => {
      const res = await ctx.http().post('/login/').send({ username: user.username, password: user.password }).expect(200);
      expect(res.body).toEqual({ access: expect.stringMatching(JWT_SHAPE), refresh: expect.stringMatching(JWT_SHAPE) });
      expect(res.body.access).not.toBe(res.body.refresh);
      await ctx.http().get('/me/').set(bearer(res.body.access)).expect(200);
    });

    it('answers a wrong password and an unknown user with the same 401 INVALID_CREDENTIALS', async () => {
      const wrongPassword = await ctx.http().post('/login/').send({ username: user.username, password: 'wrong-password' });
      const unknownUser = await ctx.http().post('/login/').send({ username: `nobody_${unique()}`, password: user.password });
      expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
      expectProblem(unknownUser, 401, 'INVALID_CREDENTIALS');
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(unknownUser.headers['content-type']).toBe(wrongPassword.headers['content-type']);
      expect(wrongPassword.body).not.toHaveProperty('access');
    });

    it('does not take the password hash as a password', async () => {
      const { rows } = await ctx.db.pool.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      const res = await ctx.http().post('/login/').send({ username: user.username, password: rows[0].password_hash });
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
    });

    it.each([
      [{ username: 123, password: 'password123' }, ['username']],
      [{ username: 'john', password: 12345678 }, ['password']],
      [{ username: 'john' }, ['password']],
      [{ username: 'john', password: 'password123', remember: true }, ['remember']],
    ])('rejects %p with 400 VALIDATION_FAILED', async (body, fields) => {
      expect(invalidFields(await ctx.http().post('/login/').send(body))).toEqual(fields);
    });

    it('refuses a username the database cannot store (a NUL byte) with a 4xx problem, not a 500', async () => {
      const res = await ctx.http().post('/login/').send({ username: 'john\u0000doe', password: 'password123' });
      expect(res.status).toBeLessThan(500);
      expect([400, 401]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('refresh tokens', () => {
    const refresh = (token: unknown) => ctx.http().post('/login/refresh/').send({ refresh: token });

    it('rotates: a refresh token gives a new working pair, and then stops working', async () => {
      const user = await session();
      const first = await refresh(user.refresh).expect(200);
      expect(first.body).toEqual({ access: expect.stringMatching(JWT_SHAPE), refresh: expect.stringMatching(JWT_SHAPE) });
      expect(first.body.refresh).not.toBe(user.refresh);
      const me = await ctx.http().get('/me/').set(bearer(first.body.access)).expect(200);
      expect(me.body.id).toBe(user.id);

      expectProblem(await refresh(user.refresh), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('treats reuse of a rotated token as theft: its successor is revoked too', async () => {
      const user = await signupAndLogin(ctx.http);
      const next = await refresh(user.refresh).expect(200);
      expectProblem(await refresh(user.refresh), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(await refresh(next.body.refresh), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('lets exactly one of two simultaneous refreshes with the same token succeed', async () => {
      const user = await session();
      const results = await Promise.all([refresh(user.refresh), refresh(user.refresh)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses an access token as a refresh token', async () => {
      const user = await session();
      expectProblem(await refresh(user.access), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('refuses a refresh token as an access token on /me/', async () => {
      const user = await session();
      const res = await ctx.http().get('/me/').set(bearer(user.refresh));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('refuses a refresh token that has expired even though it was never used', async () => {
      const user = await session();
      const claims = jwt.decode(user.refresh) as jwt.JwtPayload;
      const resign = (exp: number) =>
        jwt.sign({ ...claims, exp }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });
      expectProblem(await refresh(resign(Math.floor(Date.now() / 1000) - 60)), 401, 'INVALID_REFRESH_TOKEN');
      // The same claims with a future expiry pass: the 401 above was the expiry, not the re-signing.
      await refresh(resign(Math.floor(Date.now() / 1000) + 600)).expect(200);
    });

    it('refuses a forged refresh token whose id was never issued', async () => {
      const user = await session();
      const claims = jwt.decode(user.refresh) as jwt.JwtPayload;
      const forged = jwt.sign({ ...claims, jti: '00000000-0000-4000-8000-000000000000' }, DEVELOPMENT_JWT_SECRET, {
        algorithm: 'HS256',
        noTimestamp: true,
      });
      expectProblem(await refresh(forged), 401, 'INVALID_REFRESH_TOKEN');
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['a token signed with another secret', jwt.sign({ sub: 1, typ: 'refresh', jti: 'x' }, 'another-secret-of-32-characters!!')],
    ])('refuses %s with 401', async (_label, token) => {
      expectProblem(await refresh(token), 401, 'INVALID_REFRESH_TOKEN');
    });

    it.each([[{}], [{ refresh: 42 }], [{ refresh: '' }], [{ refresh: 'x', extra: 1 }]])(
      'rejects the body %p with 400 VALIDATION_FAILED',
      async (body) => {
        expectProblem(await ctx.http().post('/login/refresh/').send(body), 400, 'VALIDATION_FAILED');
      },
    );
  });

  describe('POST /logout/', () => {
    it('revokes the refresh token: 204 with no body, then that token is refused', async () => {
      const user = await session();
      const res = await ctx.http().post('/logout/').send({ refresh: user.refresh }).expect(204);
      expect(res.text).toBe('');
      expectProblem(await ctx.http().post('/login/refresh/').send({ refresh: user.refresh }), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('revokes only the token it is given: another session of the same user keeps working', async () => {
      const user = await session();
      const other = await ctx.http().post('/login/').send({ username: user.username, password: user.password }).expect(200);
      await ctx.http().post('/logout/').send({ refresh: user.refresh }).expect(204);
      await ctx.http().post('/login/refresh/').send({ refresh: other.body.refresh }).expect(200);
    });

    it('answers 401 for a token that is not a refresh token of ours', async () => {
      const user = await session();
      expectProblem(await ctx.http().post('/logout/').send({ refresh: user.access }), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(await ctx.http().post('/logout/').send({ refresh: 'garbage' }), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('rejects a body without a refresh token with 400', async () => {
      expectProblem(await ctx.http().post('/logout/').send({}), 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /me/', () => {
    let user: TestUser;
    let claims: jwt.JwtPayload;

    beforeAll(async () => {
      user = await session();
      claims = jwt.decode(user.access) as jwt.JwtPayload;
    });

    const now = () => Math.floor(Date.now() / 1000);
    const sign = (payload: object, secret = DEVELOPMENT_JWT_SECRET, algorithm: jwt.Algorithm = 'HS256') =>
      jwt.sign(payload, secret, { algorithm, noTimestamp: true });
    const me = (authorization?: string) => {
      const req = ctx.http().get('/me/');
      return authorization === undefined ? req : req.set('Authorization', authorization);
    };

    it('answers {id, username, email, role} for the signed-in user', async () => {
      const res = await me(`Bearer ${user.access}`).expect(200);
      expect(res.body).toEqual({ id: user.id, username: user.username, email: `${user.username}@example.com`, role: 'customer' });
    });

    it('accepts a token we sign ourselves with the dev secret (so the 401s below are about the defect in each)', async () => {
      const res = await me(`Bearer ${sign({ ...claims, iat: now(), exp: now() + 600 })}`).expect(200);
      expect(res.body.id).toBe(user.id);
    });

    it('answers 401 NOT_AUTHENTICATED without a token', async () => {
      expectProblem(await me(), 401, 'NOT_AUTHENTICATED');
    });

    it.each([
      ['the scheme alone', 'Bearer'],
      ['the token without a scheme', 'TOKEN'],
      ['another scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['two tokens', 'Bearer TOKEN TOKEN'],
      ['an empty header', ''],
    ])('answers 401 for a malformed Authorization header: %s', async (_label, header) => {
      const res = await me(header.replace(/TOKEN/g, user.access));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers 401 INVALID_TOKEN for a garbage token', async () => {
      expectProblem(await me('Bearer not.a.token'), 401, 'INVALID_TOKEN');
      expectProblem(await me('Bearer garbage'), 401, 'INVALID_TOKEN');
    });

    it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
      const expired = sign({ ...claims, iat: now() - 7200, exp: now() - 3600 });
      expectProblem(await me(`Bearer ${expired}`), 401, 'TOKEN_EXPIRED');
    });

    it('answers 401 for a token whose payload was tampered with', async () => {
      const [header, , signature] = user.access.split('.');
      const tampered = `${header}.${base64url({ ...claims, role: 'admin' })}.${signature}`;
      expectProblem(await me(`Bearer ${tampered}`), 401, 'INVALID_TOKEN');
      const otherUser = `${header}.${base64url({ ...claims, sub: user.id + 1 })}.${signature}`;
      expectProblem(await me(`Bearer ${otherUser}`), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for a token signed with another secret', async () => {
      const forged = sign({ ...claims, exp: now() + 600 }, 'a-completely-different-secret-of-some-length');
      expectProblem(await me(`Bearer ${forged}`), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for an unsigned token (alg: none)', async () => {
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now() + 600 })}.`;
      expectProblem(await me(`Bearer ${unsigned}`), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for a token signed with HS512 even with the right secret', async () => {
      const hs512 = sign({ ...claims, exp: now() + 600 }, DEVELOPMENT_JWT_SECRET, 'HS512');
      expectProblem(await me(`Bearer ${hs512}`), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for a correctly signed token without the access claims', async () => {
      expectProblem(await me(`Bearer ${sign({ sub: user.id, exp: now() + 600 })}`), 401, 'INVALID_TOKEN');
      expectProblem(await me(`Bearer ${sign({ ...claims, role: 'root', exp: now() + 600 })}`), 401, 'INVALID_TOKEN');
    });
  });

  describe('the admin account from ADMIN_USERNAME / ADMIN_PASSWORD', () => {
    it('exists with role admin', async () => {
      const login = await ctx.http().post('/login/').send(ADMIN).expect(200);
      const me = await ctx.http().get('/me/').set(bearer(login.body.access)).expect(200);
      expect(me.body).toEqual({ id: expect.any(Number), username: ADMIN.username, email: expect.any(String), role: 'admin' });
    });

    it('cannot be taken by signing up with its name', async () => {
      const res = await signup(validSignup({ username: ADMIN.username.toUpperCase() }));
      expectProblem(res, 409, 'USERNAME_TAKEN');
    });

    it('is not duplicated when a second instance starts on the same database', async () => {
      const second = await startTestApp(ctx.db.url);
      try {
        const { rows } = await ctx.db.pool.query('SELECT role FROM users WHERE lower(username) = lower($1)', [ADMIN.username]);
        expect(rows).toEqual([{ role: 'admin' }]);
        const login = await second.http().post('/login/').send(ADMIN).expect(200);
        for (const app of [ctx, second]) {
          const me = await app.http().get('/me/').set(bearer(login.body.access)).expect(200);
          expect(me.body.role).toBe('admin');
        }
      } finally {
        await second.close();
      }
    });

    it('does not hand admin rights to a customer who signed up with that name before it was configured', async () => {
      const squatter = { username: `Boss_${unique()}`, password: 'squatter-password' };
      const adminPassword = 'the-real-admin-password';
      await signup({ ...squatter, email: 'squatter@example.com' }).expect(201);
      const squatterRefresh = (await ctx.http().post('/login/').send(squatter).expect(200)).body.refresh;

      const restarted = await startTestApp(ctx.db.url, {
        env: { ADMIN_USERNAME: squatter.username.toLowerCase(), ADMIN_PASSWORD: adminPassword },
      });
      try {
        const squatterLogin = await restarted.http().post('/login/').send(squatter);
        if (squatterLogin.status === 200) {
          const me = await restarted.http().get('/me/').set(bearer(squatterLogin.body.access)).expect(200);
          expect(me.body.role).toBe('customer');
        } else {
          expectProblem(squatterLogin, 401, 'INVALID_CREDENTIALS');
        }
        // A session opened before the takeover must not turn into an admin session either.
        const refreshed = await restarted.http().post('/login/refresh/').send({ refresh: squatterRefresh });
        if (refreshed.status === 200) {
          const me = await restarted.http().get('/me/').set(bearer(refreshed.body.access)).expect(200);
          expect(me.body.role).toBe('customer');
        } else {
          expectProblem(refreshed, 401, 'INVALID_REFRESH_TOKEN');
        }
        const adminLogin = await restarted
          .http()
          .post('/login/')
          .send({ username: squatter.username.toLowerCase(), password: adminPassword })
          .expect(200);
        const me = await restarted.http().get('/me/').set(bearer(adminLogin.body.access)).expect(200);
        expect(me.body.role).toBe('admin');
      } finally {
        await restarted.close();
      }
    });
  });
});
