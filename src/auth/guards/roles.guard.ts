import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthUser, Role, ROLES_KEY } from '../../common/decorators/auth.decorators';
import { AuthError, AuthErrorCode } from '../auth.errors';

/** Runs after the JWT guard; routes without @Auth(...roles) are open to any signed-in user. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>().user;
    if (!user) throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED);
    if (!roles.includes(user.role)) throw new AuthError(AuthErrorCode.FORBIDDEN);
    return true;
  }
}
