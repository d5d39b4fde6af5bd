import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/decorators/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { clientIp } from './client-ip';
import { Metrics } from '../metrics/metrics';
import { LimitStore } from './limit-store';
import { RATE_LIMITS_KEY, RateLimitGroup, RateRule, rateRules } from './rate-limits';
import { rateLimited } from './rate-limit.error';

/**
 * @nestjs/throttler's guard, with this service's rules: routes marked
 * @RateLimited(group) count against that group's per-account and per-address
 * rules (the per-address ceiling of every request is a hook that runs before
 * routing, see rateCeiling). It runs after the JWT guard, so per-account rules
 * know the account.
 * A route's rules are resolved once; its counters are hit in parallel (one
 * round trip to Redis each, at once). Answers carry the IETF RateLimit-Policy
 * and RateLimit headers; over a limit, 429 RATE_LIMITED with Retry-After.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly rules = new WeakMap<object, RateRule[]>();
  private readonly configured: ReturnType<typeof rateRules>;
  private readonly store: LimitStore;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: LimitStore,
    reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    super(options, storage, reflector);
    this.store = storage;
    this.configured = rateRules(config.limits);
  }

  /** The module's throttler list stays empty: the rules are resolved per route below. */
  override async onModuleInit(): Promise<void> {}

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.rulesOf(context);
    if (rules.length === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const ip = clientIp(request);
    const hits = await Promise.all(
      rules.map((rule) => {
        const who = rule.per === 'user' ? `user:${request.user?.id ?? 'none'}` : `ip:${ip}`;
        return this.store.hit(`${rule.name}:${who}`, rule.windowMs, rule.limit, rule.windowMs);
      }),
    );
    // Appended to the ceiling's policy, which the first hook already set.
    const joined = (header: string, own: string[]) => [reply.getHeader(header), ...own].filter(Boolean).join(', ');
    const headers = {
      'ratelimit-policy': joined('ratelimit-policy', rules.map((rule) => `"${rule.name}";q=${rule.limit};w=${rule.windowMs / 1000}`)),
      ratelimit: joined(
        'ratelimit',
        rules.map((rule, i) => `"${rule.name}";r=${Math.max(0, rule.limit - hits[i].hits)};t=${Math.ceil((hits[i].blockedMs || hits[i].resetMs) / 1000)}`),
      ),
    };
    const blocked = hits.map((hit, i) => ({ hit, rule: rules[i] })).filter(({ hit }) => hit.blockedMs > 0);
    if (blocked.length > 0) {
      const worst = blocked.reduce((a, b) => (b.hit.blockedMs > a.hit.blockedMs ? b : a));
      this.metrics.rateLimited.inc({ limit: worst.rule.name });
      const per = worst.rule.per === 'user' ? 'this account' : 'this address';
      throw rateLimited(worst.hit.blockedMs, `Too many requests from ${per} (${worst.rule.name}: ${worst.rule.limit} per ${worst.rule.windowMs / 1000} s).`, headers);
    }
    void reply.headers(headers);
    return true;
  }

  /** The rules of the groups the route opted into; resolved once per handler. */
  private rulesOf(context: ExecutionContext): RateRule[] {
    const handler = context.getHandler();
    let rules = this.rules.get(handler);
    if (!rules) {
      const groups = this.reflector.getAllAndOverride<RateLimitGroup[] | undefined>(RATE_LIMITS_KEY, [handler, context.getClass()]) ?? [];
      rules = groups.flatMap((group) => this.configured.groups[group]);
      this.rules.set(handler, rules);
    }
    return rules;
  }
}
