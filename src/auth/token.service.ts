import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { AuthUser, Role } from '../common/decorators/auth.decorators';

export const JWT_ALGORITHM = 'HS256';

export interface AccessClaims {
  sub: number;
  username: string;
  role: Role;
  typ: 'access';
}

export interface RefreshClaims {
  sub: number;
  typ: 'refresh';
  jti: string;
  exp: number;
}

/** JWT times (iat, exp) are whole seconds since the epoch. */
const secondsOf = (time: Date): number => Math.floor(time.getTime() / 1000);

/**
 * Signs and checks tokens. Both kinds carry `typ`, so neither can stand in for the other.
 *
 * Their times follow the Clock, as the database's do: jsonwebtoken takes `iat`
 * from the payload when given (and `exp` is `iat` + the TTL), and checks `exp`
 * against `clockTimestamp`; left to itself it would read the wall clock.
 * `now` defaults to the Clock's; a request passes its own so that a token and
 * its database row agree.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  signAccess(user: AuthUser, now = this.clock.now()): string {
    const claims: AccessClaims = { sub: user.id, username: user.username, role: user.role, typ: 'access' };
    return this.jwt.sign({ ...claims, iat: secondsOf(now) }, { expiresIn: this.config.auth.accessTtlSeconds, algorithm: JWT_ALGORITHM });
  }

  signRefresh(userId: number, now = this.clock.now()): { token: string; jti: string; expiresAt: Date } {
    const jti = randomUUID();
    const ttl = this.config.auth.refreshTtlSeconds;
    const token = this.jwt.sign({ sub: userId, typ: 'refresh', iat: secondsOf(now) }, { expiresIn: ttl, jwtid: jti, algorithm: JWT_ALGORITHM });
    return { token, jti, expiresAt: new Date(now.getTime() + ttl * 1000) };
  }

  /** Undefined for anything that is not a valid, unexpired refresh token signed by us. */
  verifyRefresh(token: string, now = this.clock.now()): RefreshClaims | undefined {
    try {
      const claims = this.jwt.verify<RefreshClaims>(token, { algorithms: [JWT_ALGORITHM], clockTimestamp: secondsOf(now) });
      if (claims.typ !== 'refresh' || typeof claims.jti !== 'string' || !Number.isInteger(claims.sub)) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  /** Whether a token's `exp` has come, judged as jsonwebtoken judges it (expired from that second on). */
  hasExpired(exp: number, now = this.clock.now()): boolean {
    return secondsOf(now) >= exp;
  }
}
