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

type Claims = Partial<AccessClaims> & { exp?: unknown };
/** What passport's types call the request (Express's); under Fastify it is Fastify's. */
type PassportRequest = Parameters<Strategy['authenticate']>[0];

/** Verified tokens kept at most (about 500 bytes each with their claims and the map entry: ~5 MB). */
const VERIFIED_TOKENS = 10_000;

/**
 * Verifies the signature with one fixed algorithm (so neither `none` nor an
 * algorithm switch is accepted) and the expiry; the user comes from the claims,
 * without a database read per request. The expiry is judged here by the Clock:
 * passport-jwt's options are fixed at construction, so it could only read the
 * wall clock.
 *
 * A token whose signature passport-jwt verified is remembered by its text (the
 * last VERIFIED_TOKENS of them): the same text under the same key always
 * verifies the same way, and verifying (jsonwebtoken: decoding, HMAC, its
 * option checks) was about 7 % of a booking's CPU. A remembered token's claims
 * are judged again on every request, by the Clock, exactly as a new one's.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly verified = new Map<string, Claims>();

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
      // validate() remembers the token it was given (the request holds it).
      passReqToCallback: true,
    });
  }

  /** A token verified before skips passport-jwt's verification, and nothing else; any other goes through it. */
  override authenticate(request: PassportRequest, options?: object): void {
    const token = bearerToken(request as unknown as FastifyRequest);
    const claims = token === null ? undefined : this.verified.get(token);
    if (claims === undefined) return super.authenticate(request, options);
    let user: AuthUser | false;
    try {
      user = this.judge(claims);
    } catch (error) {
      this.verified.delete(token!);
      return this.error(error as Error);
    }
    // Not reached (claims validate() refused are never remembered); the guard answers it INVALID_TOKEN.
    return user ? this.success(user) : this.fail({ message: 'not an access token' }, 401);
  }

  validate(request: FastifyRequest, claims: Claims): AuthUser | false {
    const user = this.judge(claims);
    const token = bearerToken(request);
    if (user && token !== null) {
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    return user;
  }

  private judge(claims: Claims): AuthUser | false {
    if (typeof claims.exp !== 'number') return false;
    if (this.tokens.hasExpired(claims.exp)) throw new AuthError('TOKEN_EXPIRED');
    if (claims.typ !== 'access' || !Number.isInteger(claims.sub) || typeof claims.username !== 'string' || !isRole(claims.role)) {
      return false;
    }
    return { id: claims.sub as number, username: claims.username, role: claims.role };
  }
}
