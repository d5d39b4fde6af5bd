import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AppModule, AppModuleOptions } from './app.module';
import { problem, PROBLEM_CODE, sendProblem } from './common/filters/problem-details.filter';
import { BodylessRoutes } from './http/bodyless-routes';
import { compression } from './http/compression';
import { rateCeiling } from './http/rate-ceiling';
import { rawBodies } from './http/raw-body';
import { checkRequestInput } from './http/request-body';
import { securityHeaders } from './http/security-headers';
import { setupSwagger } from './http/swagger';
import { validationPipe } from './http/validation.pipe';
import { pagedAnswers } from './common/http/paginated';
import { serveWebApp } from './http/web-app';
import { installCheapAsyncResourceBind } from './lifecycle/async-resource-bind';
import { Lifecycle } from './lifecycle/lifecycle';
import { LimitStore } from './limits/limit-store';
import { Metrics } from './metrics/metrics';
import { nestLogger, requestLogging, rootLogger } from './logging/logging';
import { noteRequest } from './jobs/load-gate';
import { showAdmission } from './http/show-admission';

export { validationPipe };

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** How often Node looks for requests whose headers or body are late (its default, 30 s, would let a slow sender stay twice as long). */
const CONNECTION_CHECK_MS = 1000;

export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  // Fastify and Nest bind per request through AsyncResource: on Node before 24 that bind is costly.
  installCheapAsyncResourceBind();
  const lifecycle = options.lifecycle ?? new Lifecycle();
  const logger = options.logger ?? rootLogger(config);
  const adapter = new FastifyAdapter({
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: config.bodyLimitBytes,
    // The client's address for limits: the socket's, or what a trusted proxy says it is.
    trustProxy: config.http.trustedProxies.length > 0 ? config.http.trustedProxies : false,
    // Slow senders of headers or of a body are cut; the seat stream is a response, so it is not.
    requestTimeout: config.http.requestTimeoutSeconds * 1000,
    keepAliveTimeout: config.http.keepAliveTimeoutSeconds * 1000,
    http: { headersTimeout: config.http.headersTimeoutSeconds * 1000, connectionsCheckingInterval: CONNECTION_CHECK_MS },
    // Shutdown answers are ours (problem+json, see the hooks below), not Fastify's own 503 body.
    return503OnClosing: false,
    // A malformed URL (bad percent-encoding) is answered as a problem too, before any route runs.
    frameworkErrors: (_error: unknown, _request: unknown, reply: FastifyReply) => {
      sendProblem(reply, problem(400, 'BAD_REQUEST', 'The request URL is malformed.'));
    },
    // A caller's X-Request-Id is kept (when sane) so logs can be joined across services.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ ...options, lifecycle, logger }), adapter, {
    // Start-up lines wait for the pino logger below, so every line has one format.
    bufferLogs: true,
    // Fastify's own JSON parser only: no form-encoded bodies.
    bodyParser: false,
  });
  app.useLogger(nestLogger(logger));
  app.getHttpServer().maxConnections = config.http.maxConnections;
  const fastify = app.getHttpAdapter().getInstance();
  // First: everything after it runs inside the request's logging context.
  requestLogging(fastify, logger);
  fastify.addHook('onRequest', (request, reply, done) => {
    noteRequest();
    void reply.header('x-request-id', request.id);
    // Past the drain, the pool is closing: whatever still arrives is told to go elsewhere.
    if (lifecycle.phase === 'stopping') {
      void reply.header('connection', 'close').header('retry-after', '1');
      sendProblem(reply, problem(503, 'SHUTTING_DOWN', 'This server is shutting down; retry the request.'));
      return;
    }
    done();
  });
  const metrics = app.get(Metrics);
  rateCeiling(fastify, app.get(LimitStore), config.limits, metrics);
  // After the abuse ceiling, before auth and validation: a sell-out's surplus is answered for the cost of its parsing.
  showAdmission(fastify, config.booking.admissionPerShow, config.booking.admissionWaitMs);
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    metrics.requestDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status }, reply.elapsedTime / 1000);
    const code = (reply as typeof reply & { [PROBLEM_CODE]?: string })[PROBLEM_CODE];
    if (code) metrics.problems.inc({ status, code });
    done();
  });
  // While draining, every answer closes its connection, so keep-alive clients move on cleanly instead of being reset.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!lifecycle.serving) void reply.header('connection', 'close');
    done(null, payload);
  });
  securityHeaders(fastify, { stripe: config.payments.provider === 'stripe' });
  await compression(fastify);
  if (!(await serveWebApp(fastify, config.webRoot))) {
    logger.warn(`the web app is not built (no ${config.webRoot}/index.html): the API runs without it; \`npm run build\` builds it`);
  }
  rawBodies(fastify);
  checkRequestInput(fastify, app.get(BodylessRoutes).keys);
  pagedAnswers(fastify);
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      exposedHeaders: ['ETag', 'X-Total-Count', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Queue-Ticket'],
    });
  }
  app.useGlobalPipes(validationPipe());
  setupSwagger(app);
  return app;
}
