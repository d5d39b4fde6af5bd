import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

export const IS_PUBLIC_KEY = 'isPublic';
export const ROLES_KEY = 'roles';

export type Role = 'customer' | 'admin';

/** The identity carried by a verified access token; no database read is needed to build it. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

/** Opts a route out of the global JWT guard. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Marks a route as needing a token (and, given roles, one of them), and says so
 * in the OpenAPI document, so the two can never disagree.
 */
export function Auth(...roles: Role[]) {
  const decorators = [
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, malformed, expired or invalid access token (problem+json).' }),
  ];
  if (roles.length > 0) {
    decorators.push(
      SetMetadata(ROLES_KEY, roles),
      ApiForbiddenResponse({ description: `Only for: ${roles.join(', ')} (problem+json, code FORBIDDEN).` }),
    );
  }
  return applyDecorators(...decorators);
}

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<FastifyRequest & { user: AuthUser }>().user;
});
