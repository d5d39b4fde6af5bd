import jwt from 'jsonwebtoken';
import { ManualClock } from '../../src/common/clock';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/app-config';
import { logIn, signupAndLogin, TestUser } from '../factories';
import { E2eContext, setupE2e } from '../setup/test-app';
import { ApiClient, apiOf } from '../support/api';
import { expectProblem } from '../support/problem';

const REFRESH_TTL_SECONDS = 3600;
const ACCESS_TTL_SECONDS = 300;

/**
 * Tokens live by the app's Clock, the one the database is given: moving a
 * ManualClock ends a session while the wall clock stands still, and the
 * database's own check of a refresh token's row agrees with the token.
 */
describe('token expiry by the Clock (e2e)', () => {
  const clock = new ManualClock();
  let ctx: E2eContext;
  let api: ApiClient;
  let account: TestUser;

  beforeAll(async () => {
    ctx = await setupE2e({ clock, env: { JWT_REFRESH_TTL_SECONDS: String(REFRESH_TTL_SECONDS), JWT_ACCESS_TTL_SECONDS: String(ACCESS_TTL_SECONDS) } });
    api = apiOf(ctx);
    account = await signupAndLogin(ctx.http);
  });
  beforeEach(() => clock.set(new Date()));
  afterAll(() => ctx?.teardown());

  /** A new session, signed in at the Clock's present. */
  const session = () => logIn(ctx.http, account);
  const jtiOf = (token: string) => (jwt.decode(token) as jwt.JwtPayload).jti as string;

  describe('refresh tokens', () => {
    it('are accepted until REFRESH_TTL has passed on the Clock', async () => {
      const user = await session();
      clock.advance((REFRESH_TTL_SECONDS - 1) * 1000);
      await api.refresh(user.refresh).expect(200);
    });

    it('are refused once REFRESH_TTL has passed on the Clock, though the wall clock has not moved', async () => {
      const user = await session();
      clock.advance(REFRESH_TTL_SECONDS * 1000);
      expectProblem(await api.refresh(user.refresh), 401, 'INVALID_REFRESH_TOKEN');
    });

    describe("the database's check of the token's row, alone", () => {
      /** The same claims (so the same row) with an exp a year later: only the row's expires_at can refuse it now. */
      const outlivingItsRow = (refresh: string) => {
        const claims = jwt.decode(refresh) as jwt.JwtPayload;
        return jwt.sign({ ...claims, exp: (claims.exp as number) + 365 * 86400 }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });
      };

      it('accepts the row until its expires_at on the Clock', async () => {
        const user = await session();
        clock.advance((REFRESH_TTL_SECONDS - 1) * 1000);
        await api.refresh(outlivingItsRow(user.refresh)).expect(200);
      });

      it('refuses the row from its expires_at on the Clock', async () => {
        const user = await session();
        clock.advance(REFRESH_TTL_SECONDS * 1000);
        expectProblem(await api.refresh(outlivingItsRow(user.refresh)), 401, 'INVALID_REFRESH_TOKEN');
      });
    });

    it('are dated in the database by the Clock: issued, expiring and revoked', async () => {
      clock.advance(30 * 86400_000);
      const issued = clock.now();
      const user = await session();
      clock.advance(60_000);
      await api.logout(user.refresh).expect(204);
      const { rows } = await ctx.db.pool.query('SELECT created_at, expires_at, revoked_at FROM refresh_tokens WHERE id = $1', [jtiOf(user.refresh)]);
      expect(rows).toEqual([{ created_at: issued, expires_at: new Date(issued.getTime() + REFRESH_TTL_SECONDS * 1000), revoked_at: clock.now() }]);
    });
  });

  describe('access tokens', () => {
    it('are accepted until ACCESS_TTL has passed on the Clock, then answered 401 TOKEN_EXPIRED', async () => {
      const user = await session();
      clock.advance((ACCESS_TTL_SECONDS - 1) * 1000);
      await api.me(user.access).expect(200);
      clock.advance(1000);
      expectProblem(await api.me(user.access), 401, 'TOKEN_EXPIRED');
    });

    it('issued while the Clock is ahead of the wall clock, work at the Clock\'s time', async () => {
      clock.advance(30 * 86400_000);
      const user = await session();
      await api.me(user.access).expect(200);
    });
  });
});
