import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Paths that are never the web app's, even for a browser: the operator's and Swagger's. */
const NOT_THE_APP = /^\/(swagger|metrics|health|assets\/)/;
/** Hashed file names: their content never changes under that name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web app (web/, built by Vite into dist/web) at `/`, on the same origin as
 * the API. The app's pages share paths with the API (`/shows/42` is both the
 * show's page and the show as JSON), so a request gets the app's page only when
 * it is a browser's navigation: a GET whose Accept names text/html. Everything
 * else (JSON, `*` / `*`, the seat stream) reaches the API untouched; answers that
 * can differ that way carry `Vary: Accept`. The page itself is one HTML shell,
 * never cached without asking; its scripts and styles have hashed names and are
 * cached for a year. Returns false (and serves nothing) when the app is not built.
 */
export async function serveWebApp(fastify: FastifyInstance, root: string): Promise<boolean> {
  const shell = await readFile(join(root, 'index.html')).catch(() => null);
  if (!shell) return false;
  // One route per built file (wildcard: false), so unknown paths still reach the API's 404.
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    globIgnore: ['index.html'],
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => void reply.header('cache-control', path.includes('/assets/') ? IMMUTABLE : 'no-cache'),
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (isNavigation(request)) return sendShell(reply, shell);
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD') varyOnAccept(reply);
    return payload;
  });
  return true;
}

function isNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?', 1)[0];
  if (path === '/') return true;
  if (NOT_THE_APP.test(path) || request.routeOptions.url?.includes('.')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

function sendShell(reply: FastifyReply, shell: Buffer): FastifyReply {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(shell);
}

function varyOnAccept(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const listed = String(vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  if (listed.includes('accept') || listed.includes('*')) return;
  void reply.header('vary', vary ? `${String(vary)}, Accept` : 'Accept');
}
