import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/app-config';
import { signupAndLogin, TestUser } from '../factories';
import { E2eContext, setupE2e } from '../setup/test-app';
import { ApiClient, apiOf } from '../support/api';
import { base64url, expectProblem } from '../support/problem';

describe('auth (e2e)', () => {
  let ctx: E2eContext;
  let api: ApiClient;

  beforeAll(async () => {
    ctx = await setupE2e();
    api = apiOf(ctx);
  });

  afterAll(() => ctx?.teardown());

  describe('GET /me/', () => {
    let user: TestUser;
    let claims: jwt.JwtPayload;

    beforeAll(async () => {
      user = await signupAndLogin(ctx.http);
      claims = jwt.decode(user.access) as jwt.JwtPayload;
    });

    const now = () => Math.floor(Date.now() / 1000);
    const sign = (payload: object, secret = DEVELOPMENT_JWT_SECRET, algorithm: jwt.Algorithm = 'HS256') =>
      jwt.sign(payload, secret, { algorithm, noTimestamp: true });

    it('answers {id, username, email, role} for the signed-in user', async () => {
      const res = await api.me(user.access).expect(200);
      expect(res.body).toEqual({ id: user.id, username: user.username, email: `${user.username}@example.com`, role: 'customer' });
    });

    it('accepts a token we sign ourselves with the dev secret (so the 401s below are about the defect in each)', async () => {
      const res = await api.me(sign({ ...claims, iat: now(), exp: now() + 600 })).expect(200);
      expect(res.body.id).toBe(user.id);
    });

    it('answers 401 NOT_AUTHENTICATED without a token', async () => {
      expectProblem(await api.me(undefined), 401, 'NOT_AUTHENTICATED');
    });

    it.each([
      ['the scheme alone', 'Bearer'],
      ['the token without a scheme', 'TOKEN'],
      ['another scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['two tokens', 'Bearer TOKEN TOKEN'],
      ['an empty header', ''],
    ])('answers 401 for a malformed Authorization header: %s', async (_label, header) => {
      const res = await api.me(undefined, { headers: { Authorization: header.replace(/TOKEN/g, user.access) } });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('answers 401 INVALID_TOKEN for a garbage token', async () => {
      expectProblem(await api.me('not.a.token'), 401, 'INVALID_TOKEN');
      expectProblem(await api.me('garbage'), 401, 'INVALID_TOKEN');
    });

    it('answers 401 TOKEN_EXPIRED for an expired token', async () => {
      const expired = sign({ ...claims, iat: now() - 7200, exp: now() - 3600 });
      expectProblem(await api.me(expired), 401, 'TOKEN_EXPIRED');
    });

    it('answers 401 for a token whose payload was tampered with', async () => {
      const [header, , signature] = user.access.split('.');
      const tampered = `${header}.${base64url({ ...claims, role: 'admin' })}.${signature}`;
      expectProblem(await api.me(tampered), 401, 'INVALID_TOKEN');
      const otherUser = `${header}.${base64url({ ...claims, sub: user.id + 1 })}.${signature}`;
      expectProblem(await api.me(otherUser), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for a token signed with another secret', async () => {
      const forged = sign({ ...claims, exp: now() + 600 }, 'a-completely-different-secret-of-some-length');
      expectProblem(await api.me(forged), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for an unsigned token (alg: none)', async () => {
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now() + 600 })}.`;
      expectProblem(await api.me(unsigned), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for a token signed with HS512 even with the right secret', async () => {
      const hs512 = sign({ ...claims, exp: now() + 600 }, DEVELOPMENT_JWT_SECRET, 'HS512');
      expectProblem(await api.me(hs512), 401, 'INVALID_TOKEN');
    });

    it('answers 401 for a correctly signed token without the access claims', async () => {
      expectProblem(await api.me(sign({ sub: user.id, exp: now() + 600 })), 401, 'INVALID_TOKEN');
      expectProblem(await api.me(sign({ ...claims, role: 'root', exp: now() + 600 })), 401, 'INVALID_TOKEN');
    });
  });
});
