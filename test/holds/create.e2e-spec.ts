import { bearer, signupAndLogin } from '../factories';
import { tally } from '../support/answers';
import { bookingsOf, expectUnchanged } from '../support/db';
import { expectProblem, ISO_UTC } from '../support/problem';
import { byStatus, range, sorted } from '../support/seats';
import { holdsWorld, HoldsWorld, TTL_MS } from './holds-world';

describe('holds (e2e)', () => {
  const world = holdsWorld();
  const { clock, seatMap } = world;
  let { ctx, api, john, jane, newShow, mia } = {} as HoldsWorld; // the world's, before each test
  beforeEach(() => ({ ctx, api, john, jane, newShow, mia } = world));

  describe('POST /shows/{id}/holds/', () => {
    it('201 with the hold; the seats carry it in the database and show as held, and available_seats drops', async () => {
      const show = await newShow(10);
      const res = await api.hold(john, show.id, [7, 3]).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        id: expect.any(Number),
        user_id: john.id,
        show_id: show.id,
        seat_numbers: expect.any(Array),
        status: 'active',
        expires_at: new Date(clock.now().getTime() + TTL_MS).toISOString(),
      });
      expect(res.body.expires_at).toMatch(ISO_UTC);
      expect(sorted(res.body.seat_numbers)).toEqual([3, 7]);

      const { rows } = await ctx.db.pool.query(
        `SELECT seat_number, hold_id, held_by, booking_id, hold_expires_at FROM seats WHERE show_id = $1 AND hold_id IS NOT NULL ORDER BY 1`,
        [show.id],
      );
      expect(rows).toEqual(
        [3, 7].map((seat) => ({ seat_number: seat, hold_id: res.body.id, held_by: john.id, booking_id: null, hold_expires_at: new Date(res.body.expires_at) })),
      );

      const map = await seatMap(show.id);
      expect(byStatus(map)).toEqual({ available: [1, 2, 4, 5, 6, 8, 9, 10], held: [3, 7], booked: [] });
      expect(map.available_seats).toBe(8);
      expect((await api.show(show.id).expect(200)).body.available_seats).toBe(8);
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('works without the trailing slash', async () => {
      const show = await newShow(3);
      const res = await ctx.http().post(`/shows/${show.id}/holds`).set(bearer(john.access)).send({ seat_numbers: [1] }).expect(201);
      expect(res.body.seat_numbers).toEqual([1]);
    });

    it('401 without a token, and nothing is held', async () => {
      const show = await newShow(3);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(undefined, show.id, [1])), 401);
    });

    it('another user booking a held seat gets 409 SEAT_HELD listing exactly the held seats, and books none of the others', async () => {
      const show = await newShow(10);
      await api.hold(john, show.id, [2, 3]).expect(201);
      const several = await expectUnchanged(ctx.db.pool, () => api.book(jane, show.id, [1, 2, 3, 4]));
      expect(sorted(expectProblem(several, 409, 'SEAT_HELD').seats as number[])).toEqual([2, 3]);
      const one = await expectUnchanged(ctx.db.pool, () => api.book(jane, show.id, 3));
      expect(expectProblem(one, 409, 'SEAT_HELD')).toMatchObject({ seats: [3] });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
      expect(byStatus(await seatMap(show.id)).held).toEqual([2, 3]);
    });

    it('another user holding a held seat gets 409 SEAT_HELD listing exactly the held seats, and holds none of the others', async () => {
      const show = await newShow(10);
      await api.hold(john, show.id, [5, 6]).expect(201);
      const res = await expectUnchanged(ctx.db.pool, () => api.hold(jane, show.id, [4, 6, 8]));
      expect(expectProblem(res, 409, 'SEAT_HELD')).toMatchObject({ seats: [6] });
      expect(byStatus(await seatMap(show.id))).toMatchObject({ held: [5, 6], booked: [] });
    });

    it('10 users holding the same seat at once: exactly one 201, nine 409 SEAT_HELD', async () => {
      const show = await newShow(10);
      const users = [john, jane, mia, ...(await Promise.all(range(1, 7).map(() => signupAndLogin(ctx.http))))];
      const answers = await Promise.all(users.map((user) => api.hold(user, show.id, [4, 5])));
      expect(tally(answers)).toEqual({ '201': 1, '409 SEAT_HELD': 9 });
      const winner = answers.find((res) => res.status === 201)!;
      const { rows } = await ctx.db.pool.query(`SELECT user_id, seat_numbers FROM holds WHERE show_id = $1`, [show.id]);
      expect(rows).toEqual([{ user_id: winner.body.user_id, seat_numbers: [4, 5] }]);
    });

    it('409 SEAT_TAKEN for a booked seat, and 409 SHOW_FULL once nothing at all is left', async () => {
      const show = await newShow(3);
      await api.book(jane, show.id, [1, 2]).expect(201);
      const taken = await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, [2, 3]));
      expect(expectProblem(taken, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [2] });
      await api.book(jane, show.id, 3).expect(201);
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, [3])), 409, 'SHOW_FULL');
    });

    // API.md: "a conflict is 409 whose body lists the unavailable `seats`": all of them, booked or held.
    it('a request over a booked seat and a held seat gets one 409 listing both, for a booking and for a hold', async () => {
      const show = await newShow(10);
      await api.book(jane, show.id, 1).expect(201);
      await api.hold(john, show.id, [2]).expect(201);
      const booking = await expectUnchanged(ctx.db.pool, () => api.book(mia, show.id, [1, 2, 3]));
      expect(booking.status).toBe(409);
      expect(sorted(booking.body.seats)).toEqual([1, 2]);
      const held = await expectUnchanged(ctx.db.pool, () => api.hold(mia, show.id, [1, 2, 3]));
      expect(held.status).toBe(409);
      expect(sorted(held.body.seats)).toEqual([1, 2]);
    });

    // API.md: SHOW_FULL is for "every seat of the show is booked"; a held seat is not booked and may come back.
    it('409 SEAT_TAKEN, not SHOW_FULL, for a booked seat while the only other seats are merely held', async () => {
      const show = await newShow(3);
      await api.book(jane, show.id, [1, 2]).expect(201);
      await api.hold(john, show.id, [3]).expect(201);
      expect(expectProblem(await expectUnchanged(ctx.db.pool, () => api.book(mia, show.id, 1)), 409, 'SEAT_TAKEN')).toMatchObject({
        seats: [1],
      });
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(mia, show.id, [2])), 409, 'SEAT_TAKEN');
    });

    describe('400 VALIDATION_FAILED for bad input', () => {
      const cases: [string, unknown, string][] = [
        ['an empty list', { seat_numbers: [] }, 'seat_numbers'],
        ['a repeated seat', { seat_numbers: [1, 2, 1] }, 'seat_numbers'],
        ['11 seats', { seat_numbers: range(1, 11) }, 'seat_numbers'],
        ['a string "1"', { seat_numbers: ['1'] }, 'seat_numbers'],
        ['a fraction 1.5', { seat_numbers: [1.5] }, 'seat_numbers'],
        ['a boolean true', { seat_numbers: [true] }, 'seat_numbers'],
        ['a null seat', { seat_numbers: [1, null] }, 'seat_numbers'],
        ['a number instead of a list', { seat_numbers: 1 }, 'seat_numbers'],
        ['seat_numbers: null', { seat_numbers: null }, 'seat_numbers'],
        ['the field missing', {}, 'seat_numbers'],
        ['seat_number (the booking field) instead', { seat_number: 1 }, 'seat_number'],
        ['an unknown field', { seat_numbers: [1], note: 'aisle please' }, 'note'],
      ];

      it.each(cases)('%s', async (_name, body, field) => {
        const show = await newShow(20);
        const res = await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, { body }));
        expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual(
          expect.arrayContaining([{ field, message: expect.any(String) }]),
        );
      });

      it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', '99999999999'])('the show id %p', async (id) => {
        expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(john, id, [1])), 400, 'VALIDATION_FAILED');
      });
    });

    it.each([
      [[0], [0]],
      [[11], [11]],
      [[1, 11, 2], [11]],
      [[-5, 12], [-5, 12]],
    ])('400 SEAT_OUT_OF_RANGE for %p on a 10-seat show, listing %p, and nothing is held', async (seats, listed) => {
      const show = await newShow(10);
      const res = await expectUnchanged(ctx.db.pool, () => api.hold(john, show.id, seats));
      expect(sorted(expectProblem(res, 400, 'SEAT_OUT_OF_RANGE').seats as number[])).toEqual(listed);
    });

    it('404 SHOW_NOT_FOUND for a show that does not exist', async () => {
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.hold(john, 2_147_483_647, [1])), 404, 'SHOW_NOT_FOUND');
    });
  });
});
