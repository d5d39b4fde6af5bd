import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The route's body reaches its handler as the bytes that arrived (a Buffer,
 * read with `@Body()`), not parsed: a webhook's signature is computed on
 * those bytes, and a parse and re-serialisation would not give them back.
 * Fastify's route config carries the mark to the body parser (rawBodies).
 */
export const RawBody = () => RouteConfig({ rawBody: true });

const isRaw = (request: FastifyRequest) => (request.routeOptions.config as { rawBody?: boolean } | undefined)?.rawBody === true;

/**
 * JSON bodies as before (Fastify's own parser, with the instance's poisoning
 * settings and body limit), except on the routes marked @RawBody(), which get
 * the Buffer. Fastify keeps one parser per content type for every route, so
 * the choice is made here, by the route the request matched.
 */
export function rawBodies(fastify: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = fastify.initialConfig as {
    onProtoPoisoning?: 'error' | 'remove' | 'ignore';
    onConstructorPoisoning?: 'error' | 'remove' | 'ignore';
  };
  const json = fastify.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (isRaw(request)) return done(null, body);
    json(request, body as never, done);
  });
}
