import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

export const ACCESS_KEY = 'access';

/** Every role an account may have: customers buy; staff check tickets in (API.md Part 3); admins do everything. */
export const ROLES = ['customer', 'staff', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/** Who may call a route: anyone, or the holders of a valid access token (of one of `roles`, when given). */
export type Access = { public: true } | { public: false; roles: Role[] };

/** The identity carried by a verified access token; no database read is needed to build it. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

/** Anyone may call the route. */
export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies Access);

/**
 * The route needs an access token (and, given roles, one of them). This is the
 * metadata the global JWT guard reads, and it says so in the OpenAPI document,
 * so the two can never disagree. Every route carries @Public() or @Auth(): the
 * app refuses to start otherwise (see RouteAccessCheck).
 */
export function Auth(...roles: Role[]) {
  const decorators = [
    SetMetadata(ACCESS_KEY, { public: false, roles } satisfies Access),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, malformed, expired or invalid access token (problem+json).' }),
  ];
  if (roles.length > 0) {
    decorators.push(ApiForbiddenResponse({ description: `Only for: ${roles.join(', ')} (problem+json, code FORBIDDEN).` }));
  }
  return applyDecorators(...decorators);
}

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<FastifyRequest & { user: AuthUser }>().user;
});
