import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
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

/** Signs and checks tokens. Both kinds carry `typ`, so neither can stand in for the other. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  signAccess(user: AuthUser): string {
    const claims: AccessClaims = { sub: user.id, username: user.username, role: user.role, typ: 'access' };
    return this.jwt.sign(claims, { expiresIn: this.config.auth.accessTtlSeconds, algorithm: JWT_ALGORITHM });
  }

  signRefresh(userId: number): { token: string; jti: string; expiresAt: Date } {
    const jti = randomUUID();
    const ttl = this.config.auth.refreshTtlSeconds;
    const token = this.jwt.sign({ sub: userId, typ: 'refresh' }, { expiresIn: ttl, jwtid: jti, algorithm: JWT_ALGORITHM });
    return { token, jti, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  /** Undefined for anything that is not a valid, unexpired refresh token signed by us. */
  verifyRefresh(token: string): RefreshClaims | undefined {
    try {
      const claims = this.jwt.verify<RefreshClaims>(token, { algorithms: [JWT_ALGORITHM] });
      if (claims.typ !== 'refresh' || typeof claims.jti !== 'string' || !Number.isInteger(claims.sub)) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}
