import type { FastifyInstance } from 'fastify';
import { problem, sendProblem } from '../common/filters/problem-details.filter';
import type { AppConfig } from '../config/app-config';
import { clientIp } from '../limits/client-ip';
import { LimitStore } from '../limits/limit-store';
import { rateLimited } from '../limits/rate-limit.error';
import { rateRules } from '../limits/rate-limits';
import type { Metrics } from '../metrics/metrics';

/** Probes and scrapes are the operator's, not a client's: never limited. */
const UNLIMITED = /^\/(health|metrics)(\/|$|\?)/;

/**
 * The per-address ceiling on every request (RATE_LIMIT_PER_IP_PER_MINUTE), as
 * the first hook, so a flood is refused before routing, auth or validation
 * spend anything on it. Route-specific rules come later (RateLimitGuard).
 */
export function rateCeiling(fastify: FastifyInstance, store: LimitStore, limits: AppConfig['limits'], metrics: Metrics): void {
  const { ceiling } = rateRules(limits);
  const policy = `"${ceiling.name}";q=${ceiling.limit};w=${ceiling.windowMs / 1000}`;
  fastify.addHook('onRequest', async (request, reply) => {
    if (UNLIMITED.test(request.url)) return;
    const hit = await store.hit(`${ceiling.name}:ip:${clientIp(request)}`, ceiling.windowMs, ceiling.limit, ceiling.windowMs);
    const headers = {
      'ratelimit-policy': policy,
      ratelimit: `"${ceiling.name}";r=${Math.max(0, ceiling.limit - hit.hits)};t=${Math.ceil((hit.blockedMs || hit.resetMs) / 1000)}`,
    };
    void reply.headers(headers);
    if (hit.blockedMs > 0) {
      metrics.rateLimited.inc({ limit: ceiling.name });
      const error = rateLimited(hit.blockedMs, `Too many requests from this address (${ceiling.name}: ${ceiling.limit} per ${ceiling.windowMs / 1000} s).`);
      void reply.headers(error.headers);
      sendProblem(reply, problem(error.status, error.code, error.detail, error.extras));
      return reply;
    }
  });
}
