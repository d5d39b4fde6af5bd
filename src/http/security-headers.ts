import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The content security policy allows what this service serves itself: its own
 * scripts and styles (Swagger UI also sets inline styles, and draws icons from
 * data: URLs), and requests back to itself. No framing by anyone
 * (clickjacking), no MIME sniffing, no referrer.
 */
const POLICY: HelmetOptions = {
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
};

/** The headers helmet sets for POLICY: none depends on the request (no nonces), so they are worked out once. */
export function securityHeaderValues(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(POLICY)({} as never, response as never, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return headers;
}

/**
 * Security headers on every answer (the API, Swagger UI, the web app): those
 * of helmet, set from one object computed at start-up rather than by running
 * helmet's middleware for each request (which re-derived the same dozen
 * headers every time).
 */
export function securityHeaders(fastify: FastifyInstance): void {
  const headers = securityHeaderValues();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
