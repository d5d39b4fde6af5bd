import { ManualClock } from '../../src/common/clock';
import { SeatEventsService } from '../../src/seat-events/seat-events.service';
import { BookingWorld, bookingWorld } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { OpenStreams, SeatStream, WAIT_MS } from '../support/streams';
import { waitFor } from '../support/wait';

describe('live seat updates over SSE (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  const streams = new OpenStreams();

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock }));
    await ctx.app.get(SeatEventsService).ready();
  });

  beforeEach(() => clock.set(new Date()));

  afterEach(() => streams.closeAll());

  afterAll(() => ctx?.teardown());

  const streamOf = (showId: number, baseUrl = ctx.url): Promise<SeatStream> => streams.seat(baseUrl, showId);

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
      await api.book(jane, show.id, 5, { via: second }).expect(201);
      expect(await stream.received(1, 3000)).toEqual([{ seat_number: 5, status: 'booked' }]);
      // Within the request and one NOTIFY round, with room for a busy CI machine (1.5 s seen under the full suite).
      expect(stream.arrivals[0] - started).toBeLessThan(2500);
    });

    it('and a client on instance B sees a cancellation made through instance A', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id, second.url);
      const booking = await api.book(john, show.id, 1).expect(201);
      expect(await stream.received(1, 3000)).toEqual([{ seat_number: 1, status: 'booked' }]);
      const started = performance.now();
      await api.cancel(john, booking.body.id).expect(200);
      expect(await stream.received(2, 3000)).toEqual([
        { seat_number: 1, status: 'booked' },
        { seat_number: 1, status: 'available' },
      ]);
      expect(stream.arrivals[1] - started).toBeLessThan(2500);
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
      await api.book(john, show.id, 1, { via: writer }).expect(201);
      // Nothing is wrong with instance A: it listens throughout, and the change was committed.
      expect(await stream.received(1, 3000)).toEqual([{ seat_number: 1, status: 'booked' }]);
      expect(stream.arrivals[0] - started).toBeLessThan(2500);
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
    await api.book(john, show.id, 1).expect(201);
    expect(await stream.received(1)).toEqual([{ seat_number: 1, status: 'booked' }]);
  });
});
