import { JwtService } from '@nestjs/jwt';
import { ManualClock } from '../common/clock';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../config/app-config';
import { JWT_ALGORITHM, TokenService } from './token.service';

describe('TokenService: token times follow the Clock, not the wall clock', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_ACCESS_TTL_SECONDS: '60', JWT_REFRESH_TTL_SECONDS: '3600' });
  const jwt = new JwtService({ secret: DEVELOPMENT_JWT_SECRET, signOptions: { algorithm: JWT_ALGORITHM } });
  // Far from the wall clock in both directions, so a wall-clock reading anywhere would show.
  const PAST = new Date('2001-02-03T04:05:06Z');
  const FUTURE = new Date('2101-02-03T04:05:06Z');
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

  it.each([PAST, FUTURE])('dates a refresh token and its row by the Clock (%s)', (start) => {
    const tokens = new TokenService(jwt, config, new ManualClock(start));
    const { token, expiresAt } = tokens.signRefresh(7);
    expect(expiresAt).toEqual(new Date(start.getTime() + 3600_000));
    expect(jwt.decode(token)).toMatchObject({ iat: seconds(start), exp: seconds(start) + 3600 });
  });

  it.each([PAST, FUTURE])('dates an access token by the Clock (%s)', (start) => {
    const tokens = new TokenService(jwt, config, new ManualClock(start));
    expect(jwt.decode(tokens.signAccess({ id: 7, username: 'ann', role: 'customer' }))).toMatchObject({ iat: seconds(start), exp: seconds(start) + 60 });
  });

  it('accepts a refresh token until its expiry by the Clock, and not from then on', () => {
    const clock = new ManualClock(PAST);
    const tokens = new TokenService(jwt, config, clock);
    const { token, jti } = tokens.signRefresh(7);
    clock.advance(3599_000);
    expect(tokens.verifyRefresh(token)).toMatchObject({ sub: 7, jti, typ: 'refresh' });
    clock.advance(1000);
    expect(tokens.verifyRefresh(token)).toBeUndefined();
  });

  it('judges an access token expired from its exp second on, by the Clock', () => {
    const clock = new ManualClock(FUTURE);
    const tokens = new TokenService(jwt, config, clock);
    const { exp } = jwt.decode<{ exp: number }>(tokens.signAccess({ id: 7, username: 'ann', role: 'customer' }));
    clock.advance(59_999);
    expect(tokens.hasExpired(exp)).toBe(false);
    clock.advance(1);
    expect(tokens.hasExpired(exp)).toBe(true);
  });
});
