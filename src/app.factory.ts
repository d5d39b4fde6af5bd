import { ArgumentMetadata, LogLevel, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppModule, AppModuleOptions } from './app.module';
import { FieldError, ValidationFailedError } from './common/errors/app-error';
import { problem, sendProblem } from './common/filters/problem-details.filter';
import { Lifecycle } from './lifecycle/lifecycle';

export const LOG_LEVELS: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      error.constraints?.whitelistValidation ? { field, message: `${field} is not an accepted field` } : { field, message },
    );
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Nest's pipe turns number-typed path parameters into numbers before any
 * parameter pipe runs, so "0x10" would reach ParseIdPipe as 16: path
 * parameters stay the strings they arrived as.
 */
class StrictValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

/** Strict: no unknown fields, no silent type coercion ("1", 1.5 and true are not seat numbers). */
export function validationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new ValidationFailedError(fieldErrors(errors)),
  });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_BODY_DEPTH = 32;

/** Depth of a parsed JSON value, counting no further than `limit` + 1 (so a hostile body costs little). */
function nestingDepth(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value as object)) {
    deepest = Math.max(deepest, nestingDepth(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const lifecycle = options.lifecycle ?? new Lifecycle();
  const adapter = new FastifyAdapter({
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: config.bodyLimitBytes,
    // Shutdown answers are ours (problem+json, see the hooks below), not Fastify's own 503 body.
    return503OnClosing: false,
    // A caller's X-Request-Id is kept (when sane) so logs can be joined across services.
    // A malformed URL (bad percent-encoding) is answered as a problem too, before any route runs.
    frameworkErrors: (_error: unknown, _request: unknown, reply: FastifyReply) => {
      sendProblem(reply, problem(400, 'BAD_REQUEST', 'The request URL is malformed.'));
    },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ ...options, lifecycle }), adapter, {
    logger: LOG_LEVELS[config.logLevel],
    bufferLogs: false,
    // Fastify's own JSON parser only: no form-encoded bodies.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // Past the drain, the pool is closing: whatever still arrives is told to go elsewhere.
    if (lifecycle.phase === 'stopping') {
      void reply.header('connection', 'close').header('retry-after', '1');
      sendProblem(reply, problem(503, 'SHUTTING_DOWN', 'This server is shutting down; retry the request.'));
      return;
    }
    done();
  });
  // While draining, every answer closes its connection, so keep-alive clients move on cleanly instead of being reset.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!lifecycle.serving) void reply.header('connection', 'close');
    done(null, payload);
  });
  // JSON only: other media types are 415, and a body that is not a JSON object is a 400 before any handler runs.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('preValidation', (request, reply, done) => {
    const body = request.body;
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      sendProblem(reply, problem(400, 'VALIDATION_FAILED', 'The request body must be a JSON object.'));
      return;
    }
    if (body !== undefined && nestingDepth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      sendProblem(reply, problem(400, 'VALIDATION_FAILED', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`));
      return;
    }
    done();
  });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      exposedHeaders: ['ETag', 'X-Total-Count', 'X-Request-Id', 'Idempotent-Replayed'],
    });
  }
  app.useGlobalPipes(validationPipe());
  setupSwagger(app);
  return app;
}

function setupSwagger(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Cinema booking API')
      .setDescription(
        'Movies, shows, seat maps, holds and bookings. Errors are RFC 9457 problem+json with a stable `code`. ' +
          'Sign up, log in, then press Authorize and paste the `access` token.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('swagger', app, document, {
    jsonDocumentUrl: 'swagger-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
