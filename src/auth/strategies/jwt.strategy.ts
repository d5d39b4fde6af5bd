import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/decorators/auth.decorators';
import { AccessClaims, JWT_ALGORITHM } from '../token.service';

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
 * without a database read per request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: bearerToken,
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every request, which was the costliest step of a booking.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret)) as unknown as string,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  validate(claims: Partial<AccessClaims>): AuthUser | false {
    const validRole = claims.role === 'customer' || claims.role === 'admin';
    if (claims.typ !== 'access' || !Number.isInteger(claims.sub) || typeof claims.username !== 'string' || !validRole) {
      return false;
    }
    return { id: claims.sub as number, username: claims.username, role: claims.role as AuthUser['role'] };
  }
}
