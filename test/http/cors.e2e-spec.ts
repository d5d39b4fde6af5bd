import { get } from 'node:http';
import { BookingWorld, bookingWorld } from '../factories';

const FRONT = 'https://box-office.example';

describe('CORS for browser front ends (e2e)', () => {
  let world: BookingWorld;

  beforeAll(async () => {
    world = await bookingWorld({ env: { CORS_ORIGINS: `${FRONT}, https://kiosk.example` } });
  });

  afterAll(() => world?.ctx.teardown());

  it('allows a configured origin and exposes the headers a client reads', async () => {
    const res = await world.api.movies(undefined, { headers: { Origin: FRONT } }).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(FRONT);
    expect(res.headers['access-control-expose-headers']).toEqual(expect.stringContaining('X-Total-Count'));
    expect(res.headers['access-control-expose-headers']).toEqual(expect.stringContaining('ETag'));
  });

  it('answers the preflight of a booking with the Authorization and Idempotency-Key headers allowed', async () => {
    const show = await world.newShow(5);
    const res = await world.ctx
      .http()
      .options(`/shows/${show.id}/book/`)
      .set('Origin', FRONT)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe(FRONT);
    expect(res.headers['access-control-allow-methods']).toEqual(expect.stringContaining('POST'));
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const header of ['authorization', 'content-type', 'idempotency-key']) expect(allowed).toContain(header);
  });

  it('gives no CORS permission to an origin that is not configured', async () => {
    const res = await world.api.movies(undefined, { headers: { Origin: 'https://evil.example' } }).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps the CORS headers on the seat stream, whose reply is written by hand', async () => {
    const show = await world.newShow(5);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = get(`${world.ctx.url}/shows/${show.id}/seats/stream`, { headers: { Origin: FRONT } }, (res) => {
        resolve(res.headers);
        req.destroy();
      });
      req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
    });
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers['access-control-allow-origin']).toBe(FRONT);
  });
});
