import { ManualClock } from '../../src/common/clock';
import { bearer, BookingWorld, bookingWorld } from '../factories';
import { BookingSummary, bookingSummariesOf, storedKeys } from '../support/db';
import { expectReplayOf, newKey, REPLAYED } from '../support/idempotency';
import { expectProblem } from '../support/problem';

const DAY_MS = 24 * 3600 * 1000;

describe('idempotency keys (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  describe('the Idempotency-Key header itself', () => {
    it('255 characters is accepted (the control for the next test)', async () => {
      const show = await newShow();
      const key = 'k'.repeat(255);
      const res = await api.book(jane, show.id, 1, { key }).expect(201);
      expect((await storedKeys(ctx.db.pool, jane.id)).map((k) => k.key)).toContain(key);
      expectReplayOf(await api.book(jane, show.id, 1, { key }).expect(201), res);
    });

    it('256 characters: 400 VALIDATION_FAILED and nothing booked or stored', async () => {
      const show = await newShow();
      const key = 'x'.repeat(256);
      const res = await api.book(john, show.id, 1, { key });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([]);
      expect((await storedKeys(ctx.db.pool, john.id)).map((k) => k.key)).not.toContain(key);
    });

    it('empty: 400 VALIDATION_FAILED and nothing booked', async () => {
      const show = await newShow();
      const res = await api.book(john, show.id, 1, { key: '' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('without the header requests behave normally: the second identical booking is a real attempt (409)', async () => {
      const show = await newShow();
      const first = await api.book(john, show.id, 3).expect(201);
      expect(first.headers[REPLAYED]).toBeUndefined();
      const second = await api.book(john, show.id, 3);
      expectProblem(second, 409, 'SEAT_TAKEN');
      expect(second.headers[REPLAYED]).toBeUndefined();
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('GET requests ignore it, even one that is too long or was used for a POST', async () => {
      const show = await newShow();
      const key = newKey();
      await api.book(john, show.id, 2, { key }).expect(201);
      const before = await storedKeys(ctx.db.pool, john.id);

      const mine = await api.myBookings(john, undefined, { key }).expect(200);
      expect(mine.headers[REPLAYED]).toBeUndefined();
      expect(Array.isArray(mine.body)).toBe(true);
      expect(mine.body.some((b: BookingSummary) => b.seat_number === 2)).toBe(true);

      const seats = await api.seatMap(show.id, undefined, { headers: bearer(john.access), key: 'y'.repeat(300) }).expect(200);
      expect(seats.headers[REPLAYED]).toBeUndefined();
      expect(seats.body.seats.find((s: { seat_number: number }) => s.seat_number === 2)).toMatchObject({ seat_number: 2, status: 'booked' });

      expect(await storedKeys(ctx.db.pool, john.id)).toEqual(before);
    });
  });

  describe('keys live 24 hours (by the clock)', () => {
    it('just before 24 h the key still replays and still refuses another body', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await api.book(john, show.id, 1, { key }).expect(201);
      clock.advance(DAY_MS - 60_000);
      expectReplayOf(await api.book(john, show.id, 1, { key }).expect(201), first);
      expectProblem(await api.book(john, show.id, 2, { key }), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('after 24 h the key is free again: a new request with it runs for real', async () => {
      const show = await newShow();
      const key = newKey();
      await api.book(john, show.id, 1, { key }).expect(201);
      clock.advance(DAY_MS + 1000);
      const fresh = await api.book(john, show.id, 2, { key }).expect(201);
      expect(fresh.headers[REPLAYED]).toBeUndefined();
      expect(fresh.body).toMatchObject({ user_id: john.id, seat_number: 2 });
      // And its answer is what the key replays from now on.
      expectReplayOf(await api.book(john, show.id, 2, { key }).expect(201), fresh);
      expect((await bookingSummariesOf(ctx.db.pool, show.id)).map((b) => b.seat_number)).toEqual([1, 2]);
    });

    it('after 24 h the very same request is not replayed: it is tried again (and the seat is taken)', async () => {
      const show = await newShow();
      const key = newKey();
      await api.book(john, show.id, 5, { key }).expect(201);
      clock.advance(DAY_MS + 1000);
      const again = await api.book(john, show.id, 5, { key });
      expectProblem(again, 409, 'SEAT_TAKEN');
      expect(again.headers[REPLAYED]).toBeUndefined();
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toHaveLength(1);
    });
  });
});
