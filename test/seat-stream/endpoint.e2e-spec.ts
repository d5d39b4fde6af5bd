import { get, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ManualClock } from '../../src/common/clock';
import { SeatEventsService } from '../../src/seat-events/seat-events.service';
import { BookingWorld, bookingWorld } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { expectProblem } from '../support/problem';
import { OpenStreams, WAIT_MS } from '../support/streams';
import { isBlockingSomeone, waitFor } from '../support/wait';

describe('live seat updates over SSE (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, newShow } = {} as BookingWorld; // assigned in beforeAll
  const streams = new OpenStreams();

  beforeAll(async () => {
    ({ ctx, api, john, newShow } = await bookingWorld({ clock }));
    await ctx.app.get(SeatEventsService).ready();
  });

  beforeEach(() => clock.set(new Date()));

  afterEach(() => streams.closeAll());

  afterAll(() => ctx?.teardown());

  describe('the stream endpoint', () => {
    it('answers with text/event-stream and no caching', async () => {
      const show = await newShow();
      const raw = await streams.raw(`${ctx.url}/shows/${show.id}/seats/stream`);
      expect(raw.status).toBe(200);
      expect(raw.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(raw.headers['cache-control']).toMatch(/no-cache/);
      await api.book(john, show.id, 4).expect(201);
      await raw.waitForText(`event: seat\ndata: ${JSON.stringify({ seat_number: 4, status: 'booked' })}\n\n`);
    });

    it('an unknown show is 404 problem+json, not a stream', async () => {
      expectProblem(await ctx.http().get('/shows/99999999/seats/stream'), 404, 'SHOW_NOT_FOUND');
      expect(ctx.app.get(SeatEventsService).listenerCount(99999999)).toBe(0);
    });

    it('a malformed show id is 400, not a stream', async () => {
      expectProblem(await ctx.http().get('/shows/abc/seats/stream'), 400);
    });

    it('a client that disconnects is unsubscribed', async () => {
      const show = await newShow();
      const events = ctx.app.get(SeatEventsService);
      expect(events.listenerCount(show.id)).toBe(0);
      const first = await streams.seat(ctx.url, show.id);
      const raw = await streams.raw(`${ctx.url}/shows/${show.id}/seats/stream`);
      await waitFor('two listeners', () => events.listenerCount(show.id) === 2, WAIT_MS);
      first.close();
      await waitFor('one listener after the EventSource closed', () => events.listenerCount(show.id) === 1, WAIT_MS);
      raw.close();
      await waitFor('no listener after the raw connection closed', () => events.listenerCount(show.id) === 0, WAIT_MS);
    });

    it('a client that gives up while the show is still being looked up leaves no listener behind', async () => {
      const show = await newShow();
      const events = ctx.app.get(SeatEventsService);
      const server = ctx.app.getHttpServer();
      let response: ServerResponse | undefined;
      server.once('request', (_req: IncomingMessage, res: ServerResponse) => (response = res));
      const blocker = await ctx.db.pool.connect();
      try {
        // Stall the stream handler's show lookup, so the client can leave before the handler subscribes.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE shows IN ACCESS EXCLUSIVE MODE');
        const { rows } = await blocker.query(`SELECT pg_backend_pid() AS pid`);
        const serverSocket = new Promise<Socket>((resolve) => server.once('connection', resolve));
        const request = get(`${ctx.url}/shows/${show.id}/seats/stream`, { agent: false });
        request.on('error', () => undefined);
        const socket = await serverSocket;
        await waitFor('the show lookup to wait for the table lock', () => isBlockingSomeone(ctx.db.pool, rows[0].pid), WAIT_MS);
        const closed = new Promise((resolve) => socket.once('close', resolve));
        request.destroy();
        await closed;
      } finally {
        await blocker.query('COMMIT');
        blocker.release();
      }
      try {
        // Give the handler time to finish; it must not subscribe a client that is gone (nor keep a heartbeat for it).
        const deadline = Date.now() + 500;
        while (Date.now() < deadline) {
          expect(events.listenerCount(show.id)).toBe(0);
          await delay(10);
        }
      } finally {
        // Should the handler have leaked its listener and heartbeat timer, run its own clean-up so the worker can exit.
        if (events.listenerCount(show.id) > 0) response?.emit('close');
      }
    });
  });

  describe('an app with SSE_HEARTBEAT_SECONDS=1', () => {
    let beating: TestApp;

    beforeAll(async () => {
      beating = await startTestApp(ctx.db.url, { clock, env: { SSE_HEARTBEAT_SECONDS: '1' } });
    });

    afterAll(() => beating?.close());

    it('sends a heartbeat comment on an idle stream', async () => {
      const show = await newShow();
      const raw = await streams.raw(`${beating.url}/shows/${show.id}/seats/stream`);
      expect(raw.status).toBe(200);
      const opened = performance.now();
      await raw.waitForText(': heartbeat\n\n', 3000);
      expect(performance.now() - opened).toBeGreaterThan(500);
    });
  });

  it('app.close() with an open stream ends the stream and completes', async () => {
    const closing = await startTestApp(ctx.db.url, { clock });
    const show = await newShow();
    const raw = await streams.raw(`${closing.url}/shows/${show.id}/seats/stream`);
    const events = closing.app.get(SeatEventsService);
    await waitFor('the stream to subscribe', () => events.listenerCount(show.id) === 1, WAIT_MS);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      closing.close().then(() => 'closed'),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('hung'), 5000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('closed');
    await waitFor('the client to see its stream end', () => raw.ended, 2000);
    expect(events.listenerCount(show.id)).toBe(0);
  });
});
