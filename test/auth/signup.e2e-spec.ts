import { unique } from '../factories';
import { ADMIN, E2eContext, setupE2e, startTestApp } from '../setup/test-app';
import { ApiClient, apiOf } from '../support/api';
import { expectProblem, invalidFields } from '../support/problem';

describe('auth (e2e)', () => {
  let ctx: E2eContext;
  let api: ApiClient;

  beforeAll(async () => {
    ctx = await setupE2e();
    api = apiOf(ctx);
  });

  afterAll(() => ctx?.teardown());

  const validSignup = (overrides: Record<string, unknown> = {}) => {
    const username = `u_${unique()}`;
    return { username, email: `${username}@example.com`, password: 'password123', ...overrides };
  };

  describe('POST /signup/', () => {
    it('creates a customer: 201 {id, username, email} and never the password', async () => {
      const body = validSignup();
      const res = await api.signup(body).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ id: expect.any(Number), username: body.username, email: body.email });
      expect(res.text).not.toContain(body.password);
    });

    it('stores a salted argon2id hash, never the password itself', async () => {
      const password = 'correct horse battery staple';
      const a = await api.signup(validSignup({ password })).expect(201);
      const b = await api.signup(validSignup({ password })).expect(201);
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
      const res = await api.signup(validSignup({ username, email: 'someone@example.com' })).expect(201);
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
      const res = await api.signup(validSignup({ username }));
      expect(invalidFields(res)).toEqual(['username']);
    });

    it('accepts a username mixing Han and Latin, as UTS #39 "Highly Restrictive" allows: 201', async () => {
      const res = await api.signup(validSignup({ username: '李雷_li', email: 'lilei@example.com' })).expect(201);
      expect(res.body.username).toBe('李雷_li');
    });

    it('refuses a Latin name with a Cyrillic look-alike letter: 400 VALIDATION_FAILED naming both scripts', async () => {
      const res = await api.signup(validSignup({ username: `p\u0430ypal_${unique()}` }));
      expect(invalidFields(res)).toEqual(['username']);
      expect((res.body.errors as { message: string }[])[0].message).toMatch(/mixes letters of different scripts \(Latin and Cyrillic\)/);
    });

    it.each(['not-an-email', 'a@', '@example.com', 'john@', 'john doe@example.com', ''])(
      'rejects the email %p: 400 VALIDATION_FAILED on email',
      async (email) => {
        const res = await api.signup(validSignup({ email }));
        expect(invalidFields(res)).toEqual(['email']);
      },
    );

    it('accepts passwords of 8 and 128 characters, rejects 7 and 129', async () => {
      await api.signup(validSignup({ password: 'x'.repeat(8) })).expect(201);
      await api.signup(validSignup({ password: 'x'.repeat(128) })).expect(201);
      expect(invalidFields(await api.signup(validSignup({ password: 'x'.repeat(7) })))).toEqual(['password']);
      expect(invalidFields(await api.signup(validSignup({ password: 'x'.repeat(129) })))).toEqual(['password']);
    });

    it('answers 409 USERNAME_TAKEN for a taken username, whatever its case, and keeps the first account', async () => {
      const first = validSignup({ username: `Taken_${unique()}` });
      await api.signup(first).expect(201);
      for (const username of [first.username.toLowerCase(), first.username.toUpperCase()]) {
        const res = await api.signup(validSignup({ username, password: 'another-password' }));
        expectProblem(res, 409, 'USERNAME_TAKEN');
      }
      const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1)', [
        first.username,
      ]);
      expect(rows[0].n).toBe(1);
      await api.login({ username: first.username, password: first.password }).expect(200);
    });

    it('gives exactly one account when the same username signs up twice at once', async () => {
      const body = validSignup();
      const results = await Promise.all([api.signup(body), api.signup({ ...body, username: body.username.toUpperCase() })]);
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
      const res = await api.signup(validSignup({ [field]: value }));
      expect(invalidFields(res)).toEqual([field]);
      expect((res.body.errors as { message: string }[])[0].message.length).toBeGreaterThan(0);
    });

    it('names every missing field', async () => {
      const res = await api.signup({});
      expect(invalidFields(res).sort()).toEqual(['email', 'password', 'username']);
    });

    it.each([{ role: 'admin' }, { is_staff: true }, { id: 1 }])(
      'rejects an unknown field (%p) with 400 and creates nothing',
      async (extra) => {
        const body = validSignup(extra);
        const res = await api.signup(body);
        expect(invalidFields(res)).toEqual(Object.keys(extra));
        const { rows } = await ctx.db.pool.query('SELECT 1 FROM users WHERE username = $1', [body.username]);
        expect(rows).toHaveLength(0);
      },
    );
  });

  describe('the admin account from ADMIN_USERNAME / ADMIN_PASSWORD', () => {
    it('exists with role admin', async () => {
      const login = await api.login(ADMIN).expect(200);
      const me = await api.me(login.body.access).expect(200);
      expect(me.body).toEqual({ id: expect.any(Number), username: ADMIN.username, email: expect.any(String), role: 'admin' });
    });

    it('cannot be taken by signing up with its name', async () => {
      const res = await api.signup(validSignup({ username: ADMIN.username.toUpperCase() }));
      expectProblem(res, 409, 'USERNAME_TAKEN');
    });

    it('is not duplicated when a second instance starts on the same database', async () => {
      const second = await startTestApp(ctx.db.url);
      try {
        const { rows } = await ctx.db.pool.query('SELECT role FROM users WHERE lower(username) = lower($1)', [ADMIN.username]);
        expect(rows).toEqual([{ role: 'admin' }]);
        const login = await api.login(ADMIN, { via: second }).expect(200);
        for (const app of [ctx, second]) {
          const me = await api.me(login.body.access, { via: app }).expect(200);
          expect(me.body.role).toBe('admin');
        }
      } finally {
        await second.close();
      }
    });

    it('does not hand admin rights to a customer who signed up with that name before it was configured', async () => {
      const squatter = { username: `Boss_${unique()}`, password: 'squatter-password' };
      const adminPassword = 'the-real-admin-password';
      await api.signup({ ...squatter, email: 'squatter@example.com' }).expect(201);
      const squatterRefresh = (await api.login(squatter).expect(200)).body.refresh;

      const restarted = await startTestApp(ctx.db.url, {
        env: { ADMIN_USERNAME: squatter.username.toLowerCase(), ADMIN_PASSWORD: adminPassword },
      });
      try {
        const there = apiOf(restarted);
        const squatterLogin = await there.login(squatter);
        if (squatterLogin.status === 200) {
          const me = await there.me(squatterLogin.body.access).expect(200);
          expect(me.body.role).toBe('customer');
        } else {
          expectProblem(squatterLogin, 401, 'INVALID_CREDENTIALS');
        }
        // A session opened before the takeover must not turn into an admin session either.
        const refreshed = await there.refresh(squatterRefresh);
        if (refreshed.status === 200) {
          const me = await there.me(refreshed.body.access).expect(200);
          expect(me.body.role).toBe('customer');
        } else {
          expectProblem(refreshed, 401, 'INVALID_REFRESH_TOKEN');
        }
        const adminLogin = await there.login({ username: squatter.username.toLowerCase(), password: adminPassword }).expect(200);
        const me = await there.me(adminLogin.body.access).expect(200);
        expect(me.body.role).toBe('admin');
      } finally {
        await restarted.close();
      }
    });
  });
});
