import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Access, ACCESS_KEY, AuthUser } from '../../common/decorators/auth.decorators';
import { LoggedRequest } from '../../logging/logging';
import { AuthError, AuthErrorCode } from '../auth.errors';

/**
 * The global guard, reading what @Public() or @Auth(...roles) says of the
 * route: public routes pass; the others need a valid access token and, when
 * the route names roles, one of them. A route marked neither way is refused
 * (RouteAccessCheck keeps such a route from starting at all).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (access?.public) return true;
    if (!access) throw new AuthError('FORBIDDEN');
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: AuthUser }>();
    const user = request.user;
    // The request's log line names its user.
    (request.raw as LoggedRequest).user_id = user.id;
    if (access.roles.length > 0 && !access.roles.includes(user.role)) throw new AuthError('FORBIDDEN');
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    // The strategy's own verdict (an access token expired by the Clock) stands as it is.
    if (error instanceof AuthError) throw error;
    if (error || !user) throw new AuthError(authFailureCode(info));
    return user;
  }
}

function authFailureCode(info: unknown): AuthErrorCode {
  const message = (info as { message?: string } | undefined)?.message ?? '';
  if (/No auth token/i.test(message)) return 'NOT_AUTHENTICATED';
  return 'INVALID_TOKEN';
}
