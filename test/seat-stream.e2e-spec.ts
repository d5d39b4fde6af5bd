import { EventSource } from 'eventsource';
import { get, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ManualClock } from '../src/common/clock';
import { SeatEventsService } from '../src/seat-events/seat-events.service';
import { bearer, BookingWorld, bookingWorld, TestUser } from './factories';
import { startTestApp, TestApp } from './setup/test-app';
import { expectProblem } from './support/problem';
import { SeatStatus } from './support/seats';
import { isBlockingSomeone, waitFor } from './support/wait';

interface SeatEvent {
  seat_number: number;
  status: SeatStatus;
}

/** How long this file waits for something to happen over a stream, unless a test says otherwise. */
const WAIT_MS = 5000;

/** A real EventSource client on one show's stream, recording every `seat` event with the time it arrived. */
class SeatStream {
  readonly events: SeatEvent[] = [];
  readonly arrivals: number[] = [];
  private readonly source: EventSource;

  private constructor(url: string) {
    this.source = new EventSource(url);
    this.source.addEventListener('seat', (event) => {
      this.arrivals.push(performance.now());
      this.events.push(JSON.parse(event.data) as SeatEvent);
    });
  }

  /** Resolves once the server has accepted the stream (and so subscribed it to the show). */
  static open(baseUrl: string, showId: number): Promise<SeatStream> {
    const stream = new SeatStream(`${baseUrl}/shows/${showId}/seats/stream`);
    return new Promise((resolve, reject) => {
      stream.source.onopen = () => resolve(stream);
      stream.source.onerror = (error) => {
        stream.close();
        reject(new Error(`stream for show ${showId} failed: ${error.message ?? error.code}`));
      };
    });
  }

  /** Waits for the stream to have received `count` events in all. */
  async received(count: number, timeoutMs = WAIT_MS): Promise<SeatEvent[]> {
    await waitFor(`${count} seat events (have ${JSON.stringify(this.events)})`, () => this.events.length >= count, timeoutMs);
    return this.events;
  }

  close(): void {
    this.source.close();
  }
}

/** A plain HTTP client on the stream, for what EventSource hides: comment lines, the end of the stream. */
class RawStream {
  text = '';
  ended = false;

  private constructor(
    readonly response: IncomingMessage,
    private readonly destroy: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (this.text += chunk));
    response.on('close', () => (this.ended = true));
  }

  static open(url: string): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const request = get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => resolve(new RawStream(response, () => request.destroy())));
      request.on('error', reject);
    });
  }

  get status(): number | undefined {
    return this.response.statusCode;
  }

  get headers(): IncomingHttpHeaders {
    return this.response.headers;
  }

  async waitForText(fragment: string, timeoutMs = WAIT_MS): Promise<void> {
    await waitFor(`"${fragment.trim()}" on the stream (have ${JSON.stringify(this.text)})`, () => this.text.includes(fragment), timeoutMs);
  }

  close(): void {
    this.destroy();
  }
}

describe('live seat updates over SSE (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    ({ ctx, john, jane, newShow } = await bookingWorld({ clock }));
    await ctx.app.get(SeatEventsService).ready();
  });

  beforeEach(() => clock.set(new Date()));

  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  afterAll(() => ctx?.teardown());

  async function streamOf(showId: number, baseUrl = ctx.url): Promise<SeatStream> {
    const stream = await SeatStream.open(baseUrl, showId);
    open.push(stream);
    return stream;
  }

  async function rawStreamOf(url: string): Promise<RawStream> {
    const stream = await RawStream.open(url);
    open.push(stream);
    return stream;
  }

  const book = (user: TestUser, showId: number, seat: number) =>
    ctx.http().post(`/shows/${showId}/book/`).set(bearer(user.access)).send({ seat_number: seat }).expect(201);
  const hold = (user: TestUser, showId: number, seats: number[]) =>
    ctx.http().post(`/shows/${showId}/holds/`).set(bearer(user.access)).send({ seat_numbers: seats }).expect(201);

  describe('one seat event per change of a seat of the show', () => {
    it('book → booked, cancel → available', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const booking = await book(john, show.id, 3);
      expect(await stream.received(1)).toEqual([{ seat_number: 3, status: 'booked' }]);
      await ctx.http().post(`/bookings/${booking.body.id}/cancel/`).set(bearer(john.access)).expect(200);
      expect(await stream.received(2)).toEqual([
        { seat_number: 3, status: 'booked' },
        { seat_number: 3, status: 'available' },
      ]);
    });

    it('several seats booked at once → one booked event per seat', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      await ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).send({ seat_numbers: [2, 5, 7] }).expect(201);
      const events = await stream.received(3);
      expect([...events].sort((a, b) => a.seat_number - b.seat_number)).toEqual([
        { seat_number: 2, status: 'booked' },
        { seat_number: 5, status: 'booked' },
        { seat_number: 7, status: 'booked' },
      ]);
    });

    it('hold → held, release → available', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await hold(jane, show.id, [4, 5]);
      expect(await stream.received(2)).toEqual([
        { seat_number: 4, status: 'held' },
        { seat_number: 5, status: 'held' },
      ]);
      await ctx.http().delete(`/holds/${created.body.id}/`).set(bearer(jane.access)).expect(204);
      expect((await stream.received(4)).slice(2)).toEqual([
        { seat_number: 4, status: 'available' },
        { seat_number: 5, status: 'available' },
      ]);
    });

    it('hold → held, confirm → booked', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await hold(jane, show.id, [6]);
      expect(await stream.received(1)).toEqual([{ seat_number: 6, status: 'held' }]);
      await ctx.http().post(`/holds/${created.body.id}/confirm/`).set(bearer(jane.access)).expect(201);
      expect(await stream.received(2)).toEqual([
        { seat_number: 6, status: 'held' },
        { seat_number: 6, status: 'booked' },
      ]);
    });

    it('a hold that expires → available, announced by the expiry scheduler once the clock passes the TTL', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await hold(john, show.id, [8, 9]);
      expect(await stream.received(2)).toEqual([
        { seat_number: 8, status: 'held' },
        { seat_number: 9, status: 'held' },
      ]);
      clock.set(new Date(new Date(created.body.expires_at).getTime() + 1000));
      // The scheduler sweeps every second; nothing else touches this hold.
      expect((await stream.received(4, 5000)).slice(2)).toEqual([
        { seat_number: 8, status: 'available' },
        { seat_number: 9, status: 'available' },
      ]);
      const { rows } = await ctx.db.pool.query(`SELECT status FROM holds WHERE id = $1`, [created.body.id]);
      expect(rows).toEqual([{ status: 'expired' }]);
    });

    /** Waits until the expiry scheduler has marked the hold expired (its NOTIFY is sent by the same commit). */
    const sweptHold = (holdId: number) =>
      waitFor(
        `hold ${holdId} to be swept`,
        async () => {
          const { rows } = await ctx.db.pool.query(`SELECT status FROM holds WHERE id = $1`, [holdId]);
          return rows[0]?.status === 'expired';
        },
        WAIT_MS,
      );

    it('a hold whose seat its owner then booked directly: its expiry does not announce the booked seat as available', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await hold(john, show.id, [3, 4]);
      await book(john, show.id, 3);
      expect(await stream.received(3)).toEqual([
        { seat_number: 3, status: 'held' },
        { seat_number: 4, status: 'held' },
        { seat_number: 3, status: 'booked' },
      ]);
      clock.set(new Date(new Date(created.body.expires_at).getTime() + 1000));
      await sweptHold(created.body.id);
      // A later change is the marker: NOTIFYs arrive in commit order, so the sweep's events come before it.
      await book(jane, show.id, 9);
      expect((await stream.received(5)).slice(3)).toEqual([
        { seat_number: 4, status: 'available' },
        { seat_number: 9, status: 'booked' },
      ]);
      const seatMap = await ctx.http().get(`/shows/${show.id}/seats/`).expect(200);
      expect(seatMap.body.seats.find((s: SeatEvent) => s.seat_number === 3)).toEqual({ seat_number: 3, status: 'booked' });
    });

    it('an expired hold whose seat someone else booked before the sweep: the sweep does not announce that seat as available', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await hold(john, show.id, [5]);
      expect(await stream.received(1)).toEqual([{ seat_number: 5, status: 'held' }]);
      // Keep the sweep away from this hold (it skips locked holds) until jane has booked the seat it no longer protects.
      const blocker = await ctx.db.pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT 1 FROM holds WHERE id = $1 FOR UPDATE`, [created.body.id]);
        clock.set(new Date(new Date(created.body.expires_at).getTime() + 1000));
        await book(jane, show.id, 5);
        expect(await stream.received(2)).toEqual([
          { seat_number: 5, status: 'held' },
          { seat_number: 5, status: 'booked' },
        ]);
      } finally {
        await blocker.query('COMMIT');
        blocker.release();
      }
      await sweptHold(created.body.id);
      await book(jane, show.id, 9);
      expect((await stream.received(3)).slice(2)).toEqual([{ seat_number: 9, status: 'booked' }]);
    });

    it('a failed change sends nothing: a refused booking is not announced', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      await book(john, show.id, 1);
      expect(await stream.received(1)).toEqual([{ seat_number: 1, status: 'booked' }]);
      await ctx.http().post(`/shows/${show.id}/book/`).set(bearer(jane.access)).send({ seat_number: 1 }).expect(409);
      await ctx.http().post(`/shows/${show.id}/holds/`).set(bearer(jane.access)).send({ seat_numbers: [2, 1] }).expect(409);
      // A later change is the marker: had the refused ones been announced, they would have come first.
      await book(jane, show.id, 2);
      expect(await stream.received(2)).toEqual([
        { seat_number: 1, status: 'booked' },
        { seat_number: 2, status: 'booked' },
      ]);
    });
  });

  it('events of other shows are not delivered', async () => {
    const [mine, other] = await Promise.all([newShow(), newShow()]);
    const stream = await streamOf(mine.id);
    const otherStream = await streamOf(other.id);
    await book(john, other.id, 1);
    await book(john, mine.id, 2);
    // NOTIFYs arrive in commit order, so the other show's event would have come before this one.
    expect(await stream.received(1)).toEqual([{ seat_number: 2, status: 'booked' }]);
    expect(await otherStream.received(1)).toEqual([{ seat_number: 1, status: 'booked' }]);
    expect(otherStream.events).toHaveLength(1);
  });

  describe('two app instances on one database', () => {
    let second: TestApp;

    beforeAll(async () => {
      second = await startTestApp(ctx.db.url, { clock });
      await second.app.get(SeatEventsService).ready();
    });

    afterAll(() => second?.close());

    it('a client on instance A sees a booking made through instance B within a second', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id, ctx.url);
      const started = performance.now();
      await second.http().post(`/shows/${show.id}/book/`).set(bearer(jane.access)).send({ seat_number: 5 }).expect(201);
      expect(await stream.received(1, 3000)).toEqual([{ seat_number: 5, status: 'booked' }]);
      expect(stream.arrivals[0] - started).toBeLessThan(1000);
    });

    it('and a client on instance B sees a cancellation made through instance A', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id, second.url);
      const booking = await book(john, show.id, 1);
      expect(await stream.received(1, 3000)).toEqual([{ seat_number: 1, status: 'booked' }]);
      const started = performance.now();
      await ctx.http().post(`/bookings/${booking.body.id}/cancel/`).set(bearer(john.access)).expect(200);
      expect(await stream.received(2, 3000)).toEqual([
        { seat_number: 1, status: 'booked' },
        { seat_number: 1, status: 'available' },
      ]);
      expect(stream.arrivals[1] - started).toBeLessThan(1000);
    });
  });

  it('a change made through an instance whose LISTEN connection is down still reaches the other instances', async () => {
    const listenPids = async () => {
      const { rows } = await ctx.db.pool.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ~* '^\\s*LISTEN'`,
      );
      return rows.map((r: { pid: number }) => r.pid);
    };
    const before = await listenPids();
    const writer = await startTestApp(ctx.db.url, { clock });
    try {
      const writerEvents = writer.app.get(SeatEventsService);
      await writerEvents.ready();
      // The writer's LISTEN connection is the one that appeared with it (it has sent nothing yet).
      const writerListen = (await listenPids()).filter((pid) => !before.includes(pid));
      expect(writerListen).toHaveLength(1);
      const show = await newShow();
      const stream = await streamOf(show.id, ctx.url);

      await ctx.db.pool.query(`SELECT pg_terminate_backend($1)`, [writerListen[0]]);
      await waitFor('the writer to notice its LISTEN connection is gone', () => !writerEvents.isListening(), WAIT_MS);
      const started = performance.now();
      await writer.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).send({ seat_number: 1 }).expect(201);
      // Nothing is wrong with instance A: it listens throughout, and the change was committed.
      expect(await stream.received(1, 3000)).toEqual([{ seat_number: 1, status: 'booked' }]);
      expect(stream.arrivals[0] - started).toBeLessThan(1000);
    } finally {
      await writer.close();
    }
  });

  it('keeps delivering after its LISTEN connection was cut (it reconnects)', async () => {
    const events = ctx.app.get(SeatEventsService);
    // The LISTEN connection's last statement is its LISTEN, or a NOTIFY it sent since.
    const candidates = async (pattern: string) => {
      const { rows } = await ctx.db.pool.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ~* $1`,
        [pattern],
      );
      return rows.map((r: { pid: number }) => r.pid);
    };
    const cut = await candidates('^\\s*LISTEN|pg_notify');
    expect(cut.length).toBeGreaterThan(0);
    await ctx.db.pool.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [cut]);
    await waitFor(
      'a new LISTEN connection',
      async () => {
        const listening = await candidates('^\\s*LISTEN');
        return events.isListening() && listening.some((pid) => !cut.includes(pid));
      },
      WAIT_MS,
    );
    const show = await newShow();
    const stream = await streamOf(show.id);
    await book(john, show.id, 1);
    expect(await stream.received(1)).toEqual([{ seat_number: 1, status: 'booked' }]);
  });

  describe('the stream endpoint', () => {
    it('answers with text/event-stream and no caching', async () => {
      const show = await newShow();
      const raw = await rawStreamOf(`${ctx.url}/shows/${show.id}/seats/stream`);
      expect(raw.status).toBe(200);
      expect(raw.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(raw.headers['cache-control']).toMatch(/no-cache/);
      await book(john, show.id, 4);
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
      const first = await streamOf(show.id);
      const raw = await rawStreamOf(`${ctx.url}/shows/${show.id}/seats/stream`);
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
      const raw = await rawStreamOf(`${beating.url}/shows/${show.id}/seats/stream`);
      expect(raw.status).toBe(200);
      const opened = performance.now();
      await raw.waitForText(': heartbeat\n\n', 3000);
      expect(performance.now() - opened).toBeGreaterThan(500);
    });
  });

  it('app.close() with an open stream ends the stream and completes', async () => {
    const closing = await startTestApp(ctx.db.url, { clock });
    const show = await newShow();
    const raw = await rawStreamOf(`${closing.url}/shows/${show.id}/seats/stream`);
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
