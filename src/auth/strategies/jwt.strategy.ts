import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AuthUser, isRole } from '../../common/decorators/auth.decorators';
import { AuthError } from '../auth.errors';
import { AccessClaims, JWT_ALGORITHM, TokenService } from '../token.service';

/**
 * Exactly `Bearer <token>`. passport-jwt's own extractor takes the first word
 * after the scheme and ignores the rest, so `Bearer <token> junk` would pass.
 */
const BEARER = /^Bearer +(\S+)$/i;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return typeof header === 'string' ? (BEARER.exec(header)?.[1] ?? null) : null;
}

/**
 * Verifies the signature with one fixed algorithm (so neither `none` nor an
 * algorithm switch is accepted) and the expiry; the user comes from the claims,
 * without a database read per request. The expiry is judged here by the Clock:
 * passport-jwt's options are fixed at construction, so it could only read the
 * wall clock.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tokens: TokenService,
  ) {
    super({
      jwtFromRequest: bearerToken,
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every request, which was the costliest step of a booking.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret)) as unknown as string,
      algorithms: [JWT_ALGORITHM],
      // validate() checks exp, by the Clock; a token without one is refused there.
      ignoreExpiration: true,
    });
  }

  validate(claims: Partial<AccessClaims> & { exp?: unknown }): AuthUser | false {
    if (typeof claims.exp !== 'number') return false;
    if (this.tokens.hasExpired(claims.exp)) throw new AuthError('TOKEN_EXPIRED');
    if (claims.typ !== 'access' || !Number.isInteger(claims.sub) || typeof claims.username !== 'string' || !isRole(claims.role)) {
      return false;
    }
    return { id: claims.sub as number, username: claims.username, role: claims.role };
  }
}
