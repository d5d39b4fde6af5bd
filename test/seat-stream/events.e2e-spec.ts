import { ManualClock } from '../../src/common/clock';
import { SeatEventsService } from '../../src/seat-events/seat-events.service';
import { BookingWorld, bookingWorld } from '../factories';
import { OpenStreams, SeatEvent, SeatStream, WAIT_MS } from '../support/streams';
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

  const streamOf = (showId: number): Promise<SeatStream> => streams.seat(ctx.url, showId);

  describe('one seat event per change of a seat of the show', () => {
    it('book → booked, cancel → available', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const booking = await api.book(john, show.id, 3).expect(201);
      expect(await stream.received(1)).toEqual([{ seat_number: 3, status: 'booked' }]);
      await api.cancel(john, booking.body.id).expect(200);
      expect(await stream.received(2)).toEqual([
        { seat_number: 3, status: 'booked' },
        { seat_number: 3, status: 'available' },
      ]);
    });

    it('several seats booked at once → one booked event per seat', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      await api.book(john, show.id, [2, 5, 7]).expect(201);
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
      const created = await api.hold(jane, show.id, [4, 5]).expect(201);
      expect(await stream.received(2)).toEqual([
        { seat_number: 4, status: 'held' },
        { seat_number: 5, status: 'held' },
      ]);
      await api.release(jane, created.body.id).expect(204);
      expect((await stream.received(4)).slice(2)).toEqual([
        { seat_number: 4, status: 'available' },
        { seat_number: 5, status: 'available' },
      ]);
    });

    it('hold → held, confirm → booked', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await api.hold(jane, show.id, [6]).expect(201);
      expect(await stream.received(1)).toEqual([{ seat_number: 6, status: 'held' }]);
      await api.confirm(jane, created.body.id).expect(201);
      expect(await stream.received(2)).toEqual([
        { seat_number: 6, status: 'held' },
        { seat_number: 6, status: 'booked' },
      ]);
    });

    it('a hold that expires → available, announced by the expiry scheduler once the clock passes the TTL', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await api.hold(john, show.id, [8, 9]).expect(201);
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
      const created = await api.hold(john, show.id, [3, 4]).expect(201);
      await api.book(john, show.id, 3).expect(201);
      expect(await stream.received(3)).toEqual([
        { seat_number: 3, status: 'held' },
        { seat_number: 4, status: 'held' },
        { seat_number: 3, status: 'booked' },
      ]);
      clock.set(new Date(new Date(created.body.expires_at).getTime() + 1000));
      await sweptHold(created.body.id);
      // A later change is the marker: NOTIFYs arrive in commit order, so the sweep's events come before it.
      await api.book(jane, show.id, 9).expect(201);
      expect((await stream.received(5)).slice(3)).toEqual([
        { seat_number: 4, status: 'available' },
        { seat_number: 9, status: 'booked' },
      ]);
      const seatMap = await api.seatMap(show.id).expect(200);
      expect(seatMap.body.seats.find((s: SeatEvent) => s.seat_number === 3)).toMatchObject({ seat_number: 3, status: 'booked' });
    });

    it('an expired hold whose seat someone else booked before the sweep: the sweep does not announce that seat as available', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      const created = await api.hold(john, show.id, [5]).expect(201);
      expect(await stream.received(1)).toEqual([{ seat_number: 5, status: 'held' }]);
      // Keep the sweep away from this hold (it skips locked holds) until jane has booked the seat it no longer protects.
      const blocker = await ctx.db.pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT 1 FROM holds WHERE id = $1 FOR UPDATE`, [created.body.id]);
        clock.set(new Date(new Date(created.body.expires_at).getTime() + 1000));
        await api.book(jane, show.id, 5).expect(201);
        expect(await stream.received(2)).toEqual([
          { seat_number: 5, status: 'held' },
          { seat_number: 5, status: 'booked' },
        ]);
      } finally {
        await blocker.query('COMMIT');
        blocker.release();
      }
      await sweptHold(created.body.id);
      await api.book(jane, show.id, 9).expect(201);
      expect((await stream.received(3)).slice(2)).toEqual([{ seat_number: 9, status: 'booked' }]);
    });

    it('a failed change sends nothing: a refused booking is not announced', async () => {
      const show = await newShow();
      const stream = await streamOf(show.id);
      await api.book(john, show.id, 1).expect(201);
      expect(await stream.received(1)).toEqual([{ seat_number: 1, status: 'booked' }]);
      await api.book(jane, show.id, 1).expect(409);
      await api.hold(jane, show.id, [2, 1]).expect(409);
      // A later change is the marker: had the refused ones been announced, they would have come first.
      await api.book(jane, show.id, 2).expect(201);
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
    await api.book(john, other.id, 1).expect(201);
    await api.book(john, mine.id, 2).expect(201);
    // NOTIFYs arrive in commit order, so the other show's event would have come before this one.
    expect(await stream.received(1)).toEqual([{ seat_number: 2, status: 'booked' }]);
    expect(await otherStream.received(1)).toEqual([{ seat_number: 1, status: 'booked' }]);
    expect(otherStream.events).toHaveLength(1);
  });
});
