import { JwtService } from '@nestjs/jwt';
import { Strategy } from 'passport-jwt';
import { ManualClock } from '../../common/clock';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../config/app-config';
import { AuthError } from '../auth.errors';
import { JWT_ALGORITHM, TokenService } from '../token.service';
import { JwtStrategy } from './jwt.strategy';

type Verdict = { success: unknown } | { fail: unknown } | { error: unknown };
type Verifier = (token: string, key: unknown, options: unknown, done: (error: unknown, payload?: unknown) => void) => void;
/** passport-jwt's verification step, a static it offers for tests (its types leave it out). */
const hooks = Strategy as unknown as { JwtVerifier: Verifier };

/** One authentication as passport runs it: a per-request copy of the strategy with its three outcomes. */
function authenticate(strategy: JwtStrategy, token: string): Promise<Verdict> {
  return new Promise((resolve) => {
    const attempt = Object.create(strategy) as JwtStrategy & Record<'success' | 'fail' | 'error', (value?: unknown) => void>;
    attempt.success = (user) => resolve({ success: user });
    attempt.fail = (info) => resolve({ fail: info ?? 'no user' });
    attempt.error = (error) => resolve({ error });
    attempt.authenticate({ headers: { authorization: `Bearer ${token}` } } as never);
  });
}

describe('JwtStrategy: a token verified once is not verified again, and is still judged by the Clock', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_ACCESS_TTL_SECONDS: '60' });
  const jwt = new JwtService({ secret: DEVELOPMENT_JWT_SECRET, signOptions: { algorithm: JWT_ALGORITHM } });
  const verifier = hooks.JwtVerifier;
  let verifications = 0;

  beforeAll(() => {
    // passport-jwt's own verification, counted (the hook it offers for this).
    hooks.JwtVerifier = (...args) => {
      verifications++;
      return verifier(...args);
    };
  });
  afterAll(() => {
    hooks.JwtVerifier = verifier;
  });

  function world() {
    const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    const tokens = new TokenService(jwt, config, clock);
    return { clock, tokens, strategy: new JwtStrategy(config, tokens) };
  }

  it('verifies a token the first time only, and gives the same user every time', async () => {
    const { tokens, strategy } = world();
    const token = tokens.signAccess({ id: 7, username: 'ann', role: 'customer' });
    verifications = 0;
    const first = await authenticate(strategy, token);
    const again = await authenticate(strategy, token);
    expect([first, again]).toEqual([
      { success: { id: 7, username: 'ann', role: 'customer' } },
      { success: { id: 7, username: 'ann', role: 'customer' } },
    ]);
    expect(verifications).toBe(1);
  });

  it('refuses a remembered token once the Clock reaches its expiry, and forgets it', async () => {
    const { clock, tokens, strategy } = world();
    const token = tokens.signAccess({ id: 7, username: 'ann', role: 'customer' });
    expect(await authenticate(strategy, token)).toHaveProperty('success');
    clock.advance(60_000);
    verifications = 0;
    const expired = await authenticate(strategy, token);
    expect(expired).toEqual({ error: expect.any(AuthError) });
    expect((expired as { error: AuthError }).error.code).toBe('TOKEN_EXPIRED');
    expect(verifications).toBe(0);
    // Forgotten: judged from scratch again.
    expect(await authenticate(strategy, token)).toEqual({ error: expect.any(AuthError) });
    expect(verifications).toBe(1);
  });

  it('remembers nothing it refused: a tampered token, another key’s, claims that are not an access token’s', async () => {
    const { tokens, strategy } = world();
    const good = tokens.signAccess({ id: 7, username: 'ann', role: 'customer' });
    const [header, payload, signature] = good.split('.');
    const otherKey = new JwtService({ secret: 'another-secret-of-enough-length-0123456789', signOptions: { algorithm: JWT_ALGORITHM } });
    const refused = [
      `${header}.${Buffer.from(JSON.stringify({ sub: 1, username: 'root', role: 'admin', typ: 'access', exp: 4102444800 })).toString('base64url')}.${signature}`,
      otherKey.sign({ sub: 7, username: 'ann', role: 'customer', typ: 'access' }, { expiresIn: 60 }),
      jwt.sign({ sub: 7, typ: 'refresh' }, { expiresIn: 60 }),
      `${header}.${payload}.`,
    ];
    for (const token of refused) {
      verifications = 0;
      expect(await authenticate(strategy, token)).not.toHaveProperty('success');
      expect(await authenticate(strategy, token)).not.toHaveProperty('success');
      expect({ token, verifications }).toEqual({ token, verifications: 2 });
    }
  });
});
