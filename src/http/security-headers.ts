import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every answer (the API, Swagger UI, the web app), from
 * @fastify/helmet. The content security policy allows what this service
 * serves itself: its own scripts and styles (Swagger UI also sets inline
 * styles, and draws icons from data: URLs), and requests back to itself. No
 * framing by anyone (clickjacking), no MIME sniffing, no referrer.
 */
export async function securityHeaders(fastify: FastifyInstance): Promise<void> {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The API may be called from front ends on other origins (CORS_ORIGINS): what they fetch is theirs to read.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}
