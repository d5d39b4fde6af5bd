import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Stripe.js and its Payment Element, which the web app's payment page loads with
 * PAYMENT_PROVIDER=stripe: its script, its frames, and its calls to Stripe's API
 * (https://docs.stripe.com/security/guide#content-security-policy).
 */
const STRIPE_JS = {
  script: ['https://js.stripe.com', 'https://*.js.stripe.com'],
  frame: ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
  connect: ['https://api.stripe.com'],
};

export interface SecurityHeaderOptions {
  /** PAYMENT_PROVIDER=stripe: the web app loads Stripe.js. */
  stripe: boolean;
}

/**
 * The content security policy allows what this service serves itself: its own
 * scripts and styles (Swagger UI also sets inline styles, and draws icons from
 * data: URLs), and requests back to itself; with Stripe as the payment
 * provider, Stripe.js too (STRIPE_JS). No framing by anyone (clickjacking), no
 * MIME sniffing, no referrer.
 */
const policy = ({ stripe }: SecurityHeaderOptions): HelmetOptions => ({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'", ...(stripe ? STRIPE_JS.connect : [])],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(stripe ? { frameSrc: ["'self'", ...STRIPE_JS.frame] } : {}),
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'", ...(stripe ? STRIPE_JS.script : [])],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // The API may be called from front ends on other origins (CORS_ORIGINS): what they fetch is theirs to read.
  crossOriginResourcePolicy: { policy: 'same-site' },
});

/** The headers helmet sets for the policy: none depends on the request (no nonces), so they are worked out once. */
export function securityHeaderValues(options: SecurityHeaderOptions = { stripe: false }): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(policy(options))({} as never, response as never, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return headers;
}

/**
 * Security headers on every answer (the API, Swagger UI, the web app): those
 * of helmet, set from one object computed at start-up rather than by running
 * helmet's middleware for each request (which re-derived the same dozen
 * headers every time).
 */
export function securityHeaders(fastify: FastifyInstance, options: SecurityHeaderOptions = { stripe: false }): void {
  const headers = securityHeaderValues(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
