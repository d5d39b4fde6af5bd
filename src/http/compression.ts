import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * gzip (or deflate) for answers above 1 kB whose client takes it: JSON, the
 * Swagger UI bundle, the web app. A 2,000-seat map is 82 kB as JSON and under
 * 6 kB gzipped. The seat stream is never compressed (it is written by hand,
 * past Fastify, and a compressor would hold its events back); ETags stay
 * those of the content, with Vary: Accept-Encoding.
 */
export async function compression(fastify: FastifyInstance): Promise<void> {
  await fastify.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['gzip', 'deflate'],
    customTypes: /^(application\/(json|problem\+json|javascript)|text\/(html|css|javascript|plain))/,
  });
}
