import { ManualClock } from '../../src/common/clock';
import { bearer, BookingWorld, bookingWorld, createMovie } from '../factories';
import { BookingSummary, bookingSummariesOf, holdsOf, storedKeys } from '../support/db';
import { expectReplayOf, newKey, REPLAYED } from '../support/idempotency';
import { expectProblem } from '../support/problem';

describe('idempotency keys (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  describe('replays the first answer for the same key and body', () => {
    it('a booking: 201 with the identical body and Idempotent-Replayed: true, and exactly one booking row', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await api.book(john, show.id, 4, { key }).expect(201);
      const replay = await api.book(john, show.id, 4, { key }).expect(201);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ user_id: john.id, show_id: show.id, seat_number: 4, status: 'booked' });
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([
        { id: first.body.id, user_id: john.id, seat_number: 4, status: 'booked' },
      ]);
      expect(await storedKeys(ctx.db.pool, john.id)).toContainEqual({ key, status: 'completed', response_status: 201 });
    });

    it('the same request with and without a trailing slash is the same request', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await api.book(john, show.id, 1, { key }).expect(201);
      const replay = await ctx.http().post(`/shows/${show.id}/book`).set(bearer(john.access)).set('Idempotency-Key', key).send({ seat_number: 1 }).expect(201);
      expectReplayOf(replay, first);
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('a hold creation: 201 with the same hold, and only one hold exists', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await api.hold(john, show.id, [2, 3], { key }).expect(201);
      const replay = await api.hold(john, show.id, [2, 3], { key }).expect(201);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ show_id: show.id, seat_numbers: [2, 3], expires_at: expect.any(String) });
      expect(await holdsOf(ctx.db.pool, show.id)).toEqual([{ id: first.body.id, status: 'active' }]);
    });

    it('a hold confirmation: 201 with the same bookings, although confirming again without the key is 409', async () => {
      const show = await newShow();
      const created = await api.hold(john, show.id, [5, 6]).expect(201);
      const key = newKey();
      const first = await api.confirm(john, created.body.id, { key }).expect(201);
      const replay = await api.confirm(john, created.body.id, { key }).expect(201);
      expectReplayOf(replay, first);
      expect(first.body.map((b: BookingSummary) => b.seat_number)).toEqual([5, 6]);
      expect((await bookingSummariesOf(ctx.db.pool, show.id)).map((b) => b.id)).toEqual(first.body.map((b: BookingSummary) => b.id));
      // The control: the replay above did not run the handler, which would now refuse.
      expectProblem(await api.confirm(john, created.body.id, { key: newKey() }), 409, 'HOLD_ALREADY_CONFIRMED');
    });

    it('a cancellation: 200 with the same cancelled booking, although cancelling again without the key is 409', async () => {
      const show = await newShow();
      const booked = await api.book(john, show.id, 7).expect(201);
      const key = newKey();
      const first = await api.cancel(john, booked.body.id, { key }).expect(200);
      const replay = await api.cancel(john, booked.body.id, { key }).expect(200);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ id: booked.body.id, status: 'cancelled', cancelled_at: expect.any(String) });
      expectProblem(await api.cancel(john, booked.body.id), 409, 'ALREADY_CANCELLED');
    });

    it('a hold release (DELETE): 204 again, marked as replayed', async () => {
      const show = await newShow();
      const created = await api.hold(john, show.id, [1]).expect(201);
      const key = newKey();
      const first = await api.release(john, created.body.id, { key }).expect(204);
      const replay = await api.release(john, created.body.id, { key }).expect(204);
      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.text).toBe('');
      expect(await holdsOf(ctx.db.pool, show.id)).toEqual([{ id: created.body.id, status: 'released' }]);
    });

    it('an admin PATCH: 200 with the same movie, and a PATCH with another body is 422', async () => {
      const movie = await createMovie(ctx.http, admin);
      const key = newKey();
      const patch = (title: string) => api.updateMovie(admin, movie.id, { title }, { key });
      const first = await patch('Renamed once').expect(200);
      const replay = await patch('Renamed once').expect(200);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ id: movie.id, title: 'Renamed once' });
      expectProblem(await patch('Renamed twice'), 422, 'IDEMPOTENCY_KEY_REUSED');
      const { rows } = await ctx.db.pool.query(`SELECT title FROM movies WHERE id = $1`, [movie.id]);
      expect(rows).toEqual([{ title: 'Renamed once' }]);
    });

    it('a 409 (seat taken): the same 409 again, even after the seat became free, and nothing is booked', async () => {
      const show = await newShow();
      const janes = await api.book(jane, show.id, 1).expect(201);
      const key = newKey();
      const first = await api.book(john, show.id, 1, { key });
      expectProblem(first, 409, 'SEAT_TAKEN');
      await api.cancel(jane, janes.body.id).expect(200);

      const replay = await api.book(john, show.id, 1, { key });
      expectProblem(replay, 409, 'SEAT_TAKEN');
      expectReplayOf(replay, first);
      expect((await bookingSummariesOf(ctx.db.pool, show.id)).filter((b) => b.status === 'booked')).toEqual([]);
      // A new key is a new request: the seat is free now.
      await api.book(john, show.id, 1, { key: newKey() }).expect(201);
    });

    it('a 400 validation failure: the same problem with its field errors', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await api.book(john, show.id, { body: { seat_number: '1' }, key });
      expectProblem(first, 400, 'VALIDATION_FAILED');
      const replay = await api.book(john, show.id, { body: { seat_number: '1' }, key });
      expectReplayOf(replay, first);
      expect(replay.body.errors).toEqual(first.body.errors);
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([]);
    });
  });

  describe('refuses a reused key', () => {
    it('with a different body: 422 IDEMPOTENCY_KEY_REUSED and nothing booked', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await api.book(john, show.id, 1, { key }).expect(201);
      const reused = await api.book(john, show.id, 2, { key });
      expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([{ id: first.body.id, user_id: john.id, seat_number: 1, status: 'booked' }]);
      // The original answer is still there for a true retry.
      expectReplayOf(await api.book(john, show.id, 1, { key }).expect(201), first);
    });

    it('for another endpoint (same body, other show): 422 and nothing booked there', async () => {
      const [showA, showB] = await Promise.all([newShow(), newShow()]);
      const key = newKey();
      await api.book(john, showA.id, 1, { key }).expect(201);
      expectProblem(await api.book(john, showB.id, 1, { key }), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await bookingSummariesOf(ctx.db.pool, showB.id)).toEqual([]);
    });
  });

  it('keys belong to their user: the same key used by two users makes two independent requests', async () => {
    const show = await newShow();
    const key = newKey();
    const johns = await api.book(john, show.id, 1, { key }).expect(201);
    const janes = await api.book(jane, show.id, 2, { key }).expect(201);
    expect(janes.headers[REPLAYED]).toBeUndefined();
    expect(janes.body).toMatchObject({ user_id: jane.id, seat_number: 2 });
    // Same key and same body as john's, but jane's: a real attempt (and the seat is john's), not john's answer.
    const janeAgain = await api.book(jane, show.id, 1, { key: `${key}-x` });
    expectProblem(janeAgain, 409, 'SEAT_TAKEN');
    const janeSameAsJohn = await api.book(jane, show.id, 1, { key });
    expectProblem(janeSameAsJohn, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([
      { id: johns.body.id, user_id: john.id, seat_number: 1, status: 'booked' },
      { id: janes.body.id, user_id: jane.id, seat_number: 2, status: 'booked' },
    ]);
  });
});
