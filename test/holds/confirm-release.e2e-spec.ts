import { HoldExpiryScheduler } from '../../src/bookings/holds/hold-expiry.scheduler';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld } from '../factories';
import { expectNewBookings, outcome, tally } from '../support/answers';
import { bookingsOf, expectUnchanged, holdById, seatOwners } from '../support/db';
import { expectProblem } from '../support/problem';
import { byStatus, range, SeatMap } from '../support/seats';

describe('holds (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock, env: { HOLD_TTL_SECONDS: '90', MAX_HELD_SEATS_PER_SHOW: '10' } }));
    // Only a test moves holds along: the sweeper stays out of the way.
    ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
  });

  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  const seatMap = async (showId: number): Promise<SeatMap> => (await api.seatMap(showId).expect(200)).body;

  describe('POST /holds/{id}/confirm/', () => {
    it('the holder confirms: 201 with an array of bookings, the seats are booked and the hold is confirmed', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [6, 2, 9]).expect(201)).body;
      clock.advance(5000);
      const res = await api.confirm(john, held.id).expect(201);
      const bookings = expectNewBookings(res.body, { userId: john.id, showId: show.id, seats: [2, 6, 9], createdAt: clock.now().toISOString() });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual(bookings);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: bookings[0].id, 6: bookings[1].id, 9: bookings[2].id });
      expect((await holdById(ctx.db.pool, held.id)).status).toBe('confirmed');
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM seats WHERE show_id = $1 AND hold_id IS NOT NULL`, [show.id]);
      expect(rows[0].n).toBe(0);
      const map = await seatMap(show.id);
      expect(byStatus(map)).toEqual({ available: [1, 3, 4, 5, 7, 8, 10], held: [], booked: [2, 6, 9] });
      expect(map.available_seats).toBe(7);
      // the bookings are ordinary bookings: they show in /my-bookings/ and can be cancelled
      const mine = await api.myBookings(john).expect(200);
      expect(mine.body.map((b: { id: number }) => b.id)).toEqual(expect.arrayContaining(bookings.map((b) => b.id)));
      await api.cancel(john, bookings[0].id).expect(200);
      expect(byStatus(await seatMap(show.id)).booked).toEqual([6, 9]);
    });

    it('confirming twice: 409 HOLD_ALREADY_CONFIRMED and still exactly one set of bookings', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [1, 2]).expect(201)).body;
      const first = await api.confirm(john, held.id).expect(201);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, held.id)), 409, 'HOLD_ALREADY_CONFIRMED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([...first.body].sort((a, b) => a.id - b.id));
    });

    it('10 concurrent confirms of one hold: exactly one 201, nine 409 HOLD_ALREADY_CONFIRMED, one set of bookings', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [3, 4, 5]).expect(201)).body;
      const answers = await Promise.all(range(1, 10).map(() => api.confirm(john, held.id)));
      expect(tally(answers)).toEqual({ '201': 1, '409 HOLD_ALREADY_CONFIRMED': 9 });
      const winner = answers.find((res) => res.status === 201)!;
      const rows = await bookingsOf(ctx.db.pool, show.id);
      expect(rows).toHaveLength(3);
      expect(rows).toEqual([...winner.body].sort((a, b) => a.id - b.id));
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toEqual(['3', '4', '5']);
    });

    it('confirm and release racing, 10 rounds: one of them wins and the database agrees with the answers', async () => {
      const show = await newShow(20);
      for (const round of range(1, 10)) {
        const held = (await api.hold(john, show.id, [round, round + 10]).expect(201)).body;
        const [confirmed, released] = await Promise.all([api.confirm(john, held.id), api.release(john, held.id)]);
        const outcomes = [outcome(confirmed), outcome(released)];
        const seatRows = await ctx.db.pool.query(
          `SELECT booking_id, hold_id FROM seats WHERE show_id = $1 AND seat_number = ANY($2::int[]) ORDER BY seat_number`,
          [show.id, [round, round + 10]],
        );
        if (confirmed.status === 201) {
          expect({ round, outcomes }).toEqual({ round, outcomes: ['201', '409 HOLD_ALREADY_CONFIRMED'] });
          expect(released.body.code).toBe('HOLD_ALREADY_CONFIRMED');
          expect((await holdById(ctx.db.pool, held.id)).status).toBe('confirmed');
          expect(seatRows.rows.map((r) => r.booking_id).sort()).toEqual(confirmed.body.map((b: { id: number }) => b.id).sort());
        } else {
          expect({ round, outcomes }).toEqual({ round, outcomes: ['409 HOLD_RELEASED', '204'] });
          expect((await holdById(ctx.db.pool, held.id)).status).toBe('released');
          expect(seatRows.rows).toEqual([
            { booking_id: null, hold_id: null },
            { booking_id: null, hold_id: null },
          ]);
        }
      }
    });

    it("someone else's hold: 403 NOT_HOLD_OWNER for confirm and release, and nothing changes", async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [8]).expect(201)).body;
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(jane, held.id)), 403, 'NOT_HOLD_OWNER');
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.release(jane, held.id)), 403, 'NOT_HOLD_OWNER');
      expect((await holdById(ctx.db.pool, held.id)).status).toBe('active');
      expect(byStatus(await seatMap(show.id)).held).toEqual([8]);
      // the owner still can
      await api.confirm(john, held.id).expect(201);
    });

    it('404 HOLD_NOT_FOUND for an unknown hold, for confirm and release', async () => {
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, 2_147_483_647)), 404, 'HOLD_NOT_FOUND');
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.release(john, 2_147_483_647)), 404, 'HOLD_NOT_FOUND');
    });

    it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', '99999999999'])('400 VALIDATION_FAILED for the hold id %p', async (id) => {
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, id)), 400, 'VALIDATION_FAILED');
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.release(john, id)), 400, 'VALIDATION_FAILED');
    });

    it('401 without a token for confirm and release', async () => {
      const show = await newShow(3);
      const held = (await api.hold(john, show.id, [1]).expect(201)).body;
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(undefined, held.id)), 401);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.release(undefined, held.id)), 401);
    });
  });

  describe('DELETE /holds/{id}/', () => {
    it('204 with no body; the seats are available at once and another user can book them', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [4, 5]).expect(201)).body;
      const res = await api.release(john, held.id).expect(204);
      expect(res.text).toBe('');
      expect((await holdById(ctx.db.pool, held.id)).status).toBe('released');
      const map = await seatMap(show.id);
      expect(byStatus(map).held).toEqual([]);
      expect(map.available_seats).toBe(10);
      await api.book(jane, show.id, [4, 5]).expect(201);
    });

    it('a released hold cannot be confirmed (409 HOLD_RELEASED); releasing it again changes nothing', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [1]).expect(201)).body;
      await api.release(john, held.id).expect(204);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.confirm(john, held.id)), 409, 'HOLD_RELEASED');
      const again = await expectUnchanged(ctx.db.pool, () => api.release(john, held.id));
      expect(again.status).toBe(204);
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('a confirmed hold cannot be released (409 HOLD_ALREADY_CONFIRMED) and its bookings stay', async () => {
      const show = await newShow(10);
      const held = (await api.hold(john, show.id, [2, 3]).expect(201)).body;
      await api.confirm(john, held.id).expect(201);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.release(john, held.id)), 409, 'HOLD_ALREADY_CONFIRMED');
      expect(byStatus(await seatMap(show.id)).booked).toEqual([2, 3]);
    });
  });
});
