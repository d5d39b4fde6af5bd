import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import type { AuthUser } from '../../common/decorators/auth.decorators';
import { AccessClaims, JWT_ALGORITHM } from '../token.service';

/**
 * Verifies the signature with one fixed algorithm (so neither `none` nor an
 * algorithm switch is accepted) and the expiry; the user comes from the claims,
 * without a database read per request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
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
