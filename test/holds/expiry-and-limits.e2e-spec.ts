import { HoldsService } from '../../src/bookings/holds/holds.service';
import { tally } from '../support/answers';
import { bookingsOf, expectUnchanged, holdById, seatOwners } from '../support/db';
import { expectProblem } from '../support/problem';
import { byStatus, range, sorted } from '../support/seats';
import { holdsWorld, HoldsWorld, TTL_MS } from './holds-world';

describe('holds (e2e)', () => {
  const world = holdsWorld();
  const { clock, seatMap } = world;
  let { ctx, api, john, jane, newShow, mia } = {} as HoldsWorld; // the world's, before each test
  beforeEach(() => ({ ctx, api, john, jane, newShow, mia } = world));

  describe('expiry (HOLD_TTL_SECONDS, no background job)', () => {
    it('held until the last millisecond; then the map shows the seats available and another user books them at once', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [3, 4]).expect(201)).body;
      clock.advance(TTL_MS - 1);
      expect(byStatus(await seatMap(show.id)).held).toEqual([3, 4]);
      expectProblem(await api.book(jane, show.id, 3), 409, 'SEAT_HELD');

      clock.advance(1);
      const map = await seatMap(show.id);
      expect(byStatus(map)).toEqual({ available: range(1, 10), held: [], booked: [] });
      expect(map.available_seats).toBe(10);
      expect((await api.show(show.id).expect(200)).body.available_seats).toBe(10);
      // Nothing has cleaned up: the seat rows still name the hold, and yet it no longer counts.
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM seats WHERE hold_id = $1`, [held.id]);
      expect(rows[0].n).toBe(2);

      const taken = await api.book(jane, show.id, 3).expect(201);
      expect(taken.body).toMatchObject({ user_id: jane.id, seat_number: 3, status: 'booked' });
      const reheld = await api.hold(mia, show.id, [4]).expect(201);
      expect(reheld.body.user_id).toBe(mia.id);

      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, held.id)), 410, 'HOLD_EXPIRED');
      expect(byStatus(await seatMap(show.id))).toMatchObject({ held: [4], booked: [3] });
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 3: taken.body.id });
    });

    it('an expired hold nobody touched is still 410 HOLD_EXPIRED on confirm, and books nothing', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [1, 2]).expect(201)).body;
      clock.advance(TTL_MS + 60_000);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, held.id)), 410, 'HOLD_EXPIRED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('the sweeper only tidies up: running it changes no seat status, no ETag, and confirm stays 410', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [5]).expect(201)).body;
      clock.advance(TTL_MS);
      const before = await api.seatMap(show.id).expect(200);
      expect(await ctx.app.get(HoldsService).expireDue()).toBeGreaterThanOrEqual(1);
      expect((await holdById(ctx.db.pool, held.id)).status).toBe('expired');
      const after = await api.seatMap(show.id).expect(200);
      expect(after.headers.etag).toBe(before.headers.etag);
      expect(after.body).toEqual(before.body);
      expectProblem(await api.confirm(john, held.id), 410, 'HOLD_EXPIRED');
    });
  });

  describe('hold limit (MAX_HELD_SEATS_PER_SHOW = 10 per user per show)', () => {
    it('10 seats in one hold is fine; one more is 409 HOLD_LIMIT_EXCEEDED, for this show only', async () => {
      const show = await newShow(30);
      await api.hold(john, show.id, range(1, 10)).expect(201);
      const res = await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, [11]));
      expect(expectProblem(res, 409, 'HOLD_LIMIT_EXCEEDED')).toMatchObject({ limit: 10, held: 10 });
      expect(byStatus(await seatMap(show.id)).held).toEqual(range(1, 10));
      // other customers and other shows are not affected
      await api.hold(jane, show.id, [11]).expect(201);
      const other = await newShow(30);
      await api.hold(john, other.id, range(1, 10)).expect(201);
    });

    it('counts across holds (4 + 6 = 10, then no more); releasing or expiring frees room again', async () => {
      const show = await newShow(30);
      const first = (await api.hold(john, show.id, [1, 2, 3, 4]).expect(201)).body;
      await api.hold(john, show.id, range(5, 10)).expect(201);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, [20])), 409, 'HOLD_LIMIT_EXCEEDED');
      await api.release(john, first.id).expect(204);
      await api.hold(john, show.id, [20, 21, 22, 23]).expect(201);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, [24])), 409, 'HOLD_LIMIT_EXCEEDED');
      clock.advance(TTL_MS);
      await api.hold(john, show.id, range(11, 20)).expect(201);
    });

    it('confirmed seats are bookings, not holds: they leave room for new holds', async () => {
      const show = await newShow(30);
      const held = (await api.hold(john, show.id, range(1, 10)).expect(201)).body;
      await api.confirm(john, held.id).expect(201);
      await api.hold(john, show.id, range(11, 20)).expect(201);
    });

    it('5 concurrent 3-seat holds by one user on distinct seats: exactly 3 succeed, never more than 10 seats held', async () => {
      const show = await newShow(30);
      const answers = await Promise.all(range(0, 4).map((i) => api.hold(john, show.id, [3 * i + 1, 3 * i + 2, 3 * i + 3])));
      expect(tally(answers)).toEqual({ '201': 3, '409 HOLD_LIMIT_EXCEEDED': 2 });
      const heldSeats = sorted(answers.filter((res) => res.status === 201).flatMap((res) => res.body.seat_numbers));
      const { rows } = await ctx.db.pool.query(
        `SELECT seat_number FROM seats WHERE show_id = $1 AND held_by = $2 AND hold_id IS NOT NULL ORDER BY 1`,
        [show.id, john.id],
      );
      expect(rows.map((r) => r.seat_number)).toEqual(heldSeats);
      expect(heldSeats).toHaveLength(9);
      expect(byStatus(await seatMap(show.id)).held).toEqual(heldSeats);
    });
  });

  describe('after the show started (clock moved)', () => {
    it('409 SHOW_STARTED for a new hold, for confirming an unexpired hold, and for cancelling a booking', async () => {
      const start = new Date(Date.now() + 3600_000);
      const show = await newShow(10, { date_time: start.toISOString() });
      clock.set(new Date(start.getTime() - 60_000));
      const held = (await api.hold(john, show.id, [1]).expect(201)).body;
      const booking = (await api.book(jane, show.id, 2).expect(201)).body;
      clock.set(new Date(start.getTime() - 1));
      await api.hold(mia, show.id, [3]).expect(201);

      clock.set(new Date(start.getTime() + 1000)); // the hold (TTL 90 s) has not expired yet
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(mia, show.id, [4])), 409, 'SHOW_STARTED');
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, held.id)), 409, 'SHOW_STARTED');
      const cancel = await expectUnchanged(ctx.db.pool, () => api.cancel(jane, booking.id));
      expectProblem(cancel, 409, 'SHOW_STARTED');
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: booking.id });
    });
  });
});
