import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { get, type IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import { loadConfig } from '../../src/config/app-config';
import { adminToken, createMovie, createShow } from '../factories';
import { E2eContext, setupE2e } from '../setup/test-app';
import { expectProblem } from '../support/problem';

const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
/** What the web app may send before the first page is usable (gzipped): the budget. */
const FIRST_LOAD_BUDGET = 150 * 1024;

/** An answer's bytes as they travel (supertest would decompress them). */
function bytesOf(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

/** The web app at `/`, beside the API on the same paths (src/http/web-app.ts); raw requests, since HTML is not in the API's contract. */
describe('the web app, served by the service (e2e)', () => {
  let ctx: E2eContext;
  let showId: number;
  const raw = () => request(ctx.url);

  beforeAll(async () => {
    ctx = await setupE2e();
    const admin = await adminToken(ctx.http);
    showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin)).id)).id;
  });
  afterAll(() => ctx?.teardown());

  it('answers / with the app, whatever the client accepts, never cached without asking', async () => {
    for (const accept of [NAVIGATION, '*/*']) {
      const res = await raw().get('/').set('Accept', accept).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toMatch(/<div id="root"><\/div>/);
      expect(res.text).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    }
  });

  it('gives a browser navigation the app on every page path, deep links and API paths alike; the API keeps its answers', async () => {
    for (const path of [`/shows/${showId}`, `/shows/${showId}/`, '/movies/1', '/my-bookings', '/admin/movies/3', '/login?next=%2Fshows%2F1', '/no-such-page']) {
      const page = await raw().get(path).set('Accept', NAVIGATION).expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toMatch(/<div id="root">/);
    }
    // The same path as JSON, or for a client that accepts anything, is the API.
    for (const accept of ['application/json', '*/*', undefined]) {
      const req = raw().get(`/shows/${showId}/`);
      const show = await (accept ? req.set('Accept', accept) : req).expect(200);
      expect(show.headers['content-type']).toMatch(/^application\/json/);
      expect(show.body).toMatchObject({ id: showId });
    }
    // Both can differ by Accept, so caches must keep them apart.
    expect((await raw().get(`/shows/${showId}/`).expect(200)).headers.vary).toMatch(/\bAccept\b/);
    expect((await raw().get(`/shows/${showId}`).set('Accept', NAVIGATION).expect(200)).headers.vary).toMatch(/\bAccept\b/);
  });

  it('never answers with the app where it is not the app: writes, the API outside its pages, streams, Swagger, probes', async () => {
    expectProblem(await raw().post('/shows/1/book/').set('Accept', NAVIGATION).send({ seat_number: 1 }), 401);
    expectProblem(await raw().get('/no-such-page').set('Accept', 'application/json'), 404);
    const swagger = await raw().get('/swagger').set('Accept', NAVIGATION).expect(200);
    expect(swagger.text).toMatch(/swagger-ui/);
    expect(swagger.text).not.toMatch(/<div id="root">/);
    expect((await raw().get('/health').set('Accept', NAVIGATION).expect(200)).body).toEqual({ status: 'ok' });
    const metrics = await raw().get('/metrics').set('Accept', NAVIGATION).expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expectProblem(await raw().get('/assets/missing.js').set('Accept', NAVIGATION), 404);
  });

  it('serves the built files under hashed names, cached for a year, compressed, within the first-load budget', async () => {
    const root = loadConfig({ NODE_ENV: 'test' }).webRoot;
    const shell = await raw().get('/').expect(200);
    const sent = [...shell.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(sent.some((path) => path.endsWith('.js'))).toBe(true);
    expect(sent.some((path) => path.endsWith('.css'))).toBe(true);
    let gzipped = 0;
    for (const path of sent) {
      const res = await bytesOf(`${ctx.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-encoding']).toBe('gzip');
      const { body } = res;
      expect(gunzipSync(body).equals(await readFile(join(root, path)))).toBe(true);
      gzipped += body.length;
    }
    expect(gzipped).toBeGreaterThan(10 * 1024);
    expect(gzipped).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
    // Nothing else ships: the shell, its assets, the icon, and the chunks its script loads on demand
    // (the QR decoder of the check-in page's camera; Stripe's Payment Element and its loader, for an
    // order paid through Stripe), which are not part of the first load.
    const names = sent.map((path) => path.slice('/assets/'.length));
    const firstScript = (await readFile(join(root, sent.find((path) => path.endsWith('.js'))!))).toString('utf8');
    const onDemand = (await readdir(join(root, 'assets'))).filter((name) => !names.includes(name));
    expect(onDemand.map((name) => name.replace(/-[\w-]{8}\.js$/, '.js')).sort()).toEqual(['StripePayment.js', 'jsQR.js']);
    // Stripe's loader is in its chunk only: the first load neither carries it nor names Stripe.js's address.
    expect(firstScript).not.toContain('js.stripe.com');
    for (const name of onDemand) expect(firstScript).toContain(name);
    expect((await raw().get('/favicon.svg').expect(200)).headers['cache-control']).toBe('no-cache');
  });

  it('is allowed by the content security policy: its own scripts and styles, no inline script', async () => {
    const shell = await raw().get('/').expect(200);
    expect(shell.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(shell.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
