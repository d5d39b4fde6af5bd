import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/app-config';
import { logIn, signupAndLogin, TestUser, unique } from '../factories';
import { E2eContext, setupE2e } from '../setup/test-app';
import { ApiClient, apiOf } from '../support/api';
import { expectProblem, invalidFields } from '../support/problem';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

describe('auth (e2e)', () => {
  let ctx: E2eContext;
  let api: ApiClient;

  beforeAll(async () => {
    ctx = await setupE2e();
    api = apiOf(ctx);
  });

  afterAll(() => ctx?.teardown());

  /** A new session of one shared account: one password check instead of a signup and a login. */
  let shared: TestUser;
  const session = async (): Promise<TestUser> => logIn(ctx.http, (shared ??= await signupAndLogin(ctx.http)));

  describe('POST /login/', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await session();
    });

    it('answers 200 {access, refresh} for the right password', async () => {
      const res = await api.login({ username: user.username, password: user.password }).expect(200);
      expect(res.body).toEqual({ access: expect.stringMatching(JWT_SHAPE), refresh: expect.stringMatching(JWT_SHAPE) });
      expect(res.body.access).not.toBe(res.body.refresh);
      await api.me(res.body.access).expect(200);
    });

    it('answers a wrong password and an unknown user with the same 401 INVALID_CREDENTIALS', async () => {
      const wrongPassword = await api.login({ username: user.username, password: 'wrong-password' });
      const unknownUser = await api.login({ username: `nobody_${unique()}`, password: user.password });
      expectProblem(wrongPassword, 401, 'INVALID_CREDENTIALS');
      expectProblem(unknownUser, 401, 'INVALID_CREDENTIALS');
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(unknownUser.headers['content-type']).toBe(wrongPassword.headers['content-type']);
      expect(wrongPassword.body).not.toHaveProperty('access');
    });

    it('does not take the password hash as a password', async () => {
      const { rows } = await ctx.db.pool.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      const res = await api.login({ username: user.username, password: rows[0].password_hash });
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
    });

    it.each([
      [{ username: 123, password: 'password123' }, ['username']],
      [{ username: 'john', password: 12345678 }, ['password']],
      [{ username: 'john' }, ['password']],
      [{ username: 'john', password: 'password123', remember: true }, ['remember']],
    ])('rejects %p with 400 VALIDATION_FAILED', async (body, fields) => {
      expect(invalidFields(await api.login(body))).toEqual(fields);
    });

    it('refuses a username the database cannot store (a NUL byte) with a 4xx problem, not a 500', async () => {
      const res = await api.login({ username: 'john\u0000doe', password: 'password123' });
      expect(res.status).toBeLessThan(500);
      expect([400, 401]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('refresh tokens', () => {
    it('rotates: a refresh token gives a new working pair, and then stops working', async () => {
      const user = await session();
      const first = await api.refresh(user.refresh).expect(200);
      expect(first.body).toEqual({ access: expect.stringMatching(JWT_SHAPE), refresh: expect.stringMatching(JWT_SHAPE) });
      expect(first.body.refresh).not.toBe(user.refresh);
      const me = await api.me(first.body.access).expect(200);
      expect(me.body.id).toBe(user.id);

      expectProblem(await api.refresh(user.refresh), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('treats reuse of a rotated token as theft: its successor is revoked too', async () => {
      const user = await signupAndLogin(ctx.http);
      const next = await api.refresh(user.refresh).expect(200);
      expectProblem(await api.refresh(user.refresh), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(await api.refresh(next.body.refresh), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('lets exactly one of two simultaneous refreshes with the same token succeed', async () => {
      const user = await session();
      const results = await Promise.all([api.refresh(user.refresh), api.refresh(user.refresh)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses an access token as a refresh token', async () => {
      const user = await session();
      expectProblem(await api.refresh(user.access), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('refuses a refresh token as an access token on /me/', async () => {
      const user = await session();
      const res = await api.me(user.refresh);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('refuses a refresh token that has expired even though it was never used', async () => {
      const user = await session();
      const claims = jwt.decode(user.refresh) as jwt.JwtPayload;
      const resign = (exp: number) =>
        jwt.sign({ ...claims, exp }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });
      expectProblem(await api.refresh(resign(Math.floor(Date.now() / 1000) - 60)), 401, 'INVALID_REFRESH_TOKEN');
      // The same claims with a future expiry pass: the 401 above was the expiry, not the re-signing.
      await api.refresh(resign(Math.floor(Date.now() / 1000) + 600)).expect(200);
    });

    it('refuses a forged refresh token whose id was never issued', async () => {
      const user = await session();
      const claims = jwt.decode(user.refresh) as jwt.JwtPayload;
      const forged = jwt.sign({ ...claims, jti: '00000000-0000-4000-8000-000000000000' }, DEVELOPMENT_JWT_SECRET, {
        algorithm: 'HS256',
        noTimestamp: true,
      });
      expectProblem(await api.refresh(forged), 401, 'INVALID_REFRESH_TOKEN');
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['a token signed with another secret', jwt.sign({ sub: 1, typ: 'refresh', jti: 'x' }, 'another-secret-of-32-characters!!')],
    ])('refuses %s with 401', async (_label, token) => {
      expectProblem(await api.refresh(token), 401, 'INVALID_REFRESH_TOKEN');
    });

    it.each([[{}], [{ refresh: 42 }], [{ refresh: '' }], [{ refresh: 'x', extra: 1 }]])(
      'rejects the body %p with 400 VALIDATION_FAILED',
      async (body) => {
        expectProblem(await api.refresh({ body }), 400, 'VALIDATION_FAILED');
      },
    );
  });

  describe('POST /logout/', () => {
    it('revokes the refresh token: 204 with no body, then that token is refused', async () => {
      const user = await session();
      const res = await api.logout(user.refresh).expect(204);
      expect(res.text).toBe('');
      expectProblem(await api.refresh(user.refresh), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('revokes only the token it is given: another session of the same user keeps working', async () => {
      const user = await session();
      const other = await api.login({ username: user.username, password: user.password }).expect(200);
      await api.logout(user.refresh).expect(204);
      await api.refresh(other.body.refresh).expect(200);
    });

    it('answers 401 for a token that is not a refresh token of ours', async () => {
      const user = await session();
      expectProblem(await api.logout(user.access), 401, 'INVALID_REFRESH_TOKEN');
      expectProblem(await api.logout('garbage'), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('rejects a body without a refresh token with 400', async () => {
      expectProblem(await api.logout({ body: {} }), 400, 'VALIDATION_FAILED');
    });
  });
});
