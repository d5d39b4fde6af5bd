import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';

/**
 * The address limits count by: the socket's, or the client's as a trusted proxy
 * reports it (Fastify's trustProxy, set from TRUSTED_PROXIES). An IPv6 address
 * counts as its /64, which one customer's router hands out whole.
 */
export function clientIp(request: Pick<FastifyRequest, 'ip'>): string {
  return normalizeIp(request.ip ?? '0.0.0.0');
}

/** The handler's client address (see clientIp). */
export const ClientIp = createParamDecorator((_data: unknown, context: ExecutionContext): string => clientIp(context.switchToHttp().getRequest<FastifyRequest>()));
