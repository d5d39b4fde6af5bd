import type { Response } from 'supertest';
import { HoldExpiryScheduler } from '../src/bookings/holds/hold-expiry.scheduler';
import { HoldsService } from '../src/bookings/holds/holds.service';
import { ManualClock } from '../src/common/clock';
import { bearer, BookingWorld, bookingWorld, signupAndLogin, TestUser } from './factories';
import { expectNewBookings, outcome, tally } from './support/answers';
import { bookingsOf, seatOwners } from './support/db';
import { expectProblem, ISO_UTC } from './support/problem';
import { byStatus, range, SeatMap, sorted } from './support/seats';

const HOLD_TTL_SECONDS = 90;
const TTL_MS = HOLD_TTL_SECONDS * 1000;

describe('holds (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mia: TestUser;

  beforeAll(async () => {
    ({ ctx, john, jane, newShow } = await bookingWorld({
      clock,
      env: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), MAX_HELD_SEATS_PER_SHOW: '10' },
    }));
    // The contract says an expired hold frees its seats without any background job having run.
    // Stopping the app's sweeper makes every expiry test below prove exactly that.
    ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
    mia = await signupAndLogin(ctx.http);
  });

  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  const hold = (user: TestUser | undefined, showId: number | string, body: unknown) => {
    const req = ctx.http().post(`/shows/${showId}/holds/`);
    if (user) req.set(bearer(user.access));
    return req.send(body as object);
  };
  const confirm = (user: TestUser, holdId: number | string) => ctx.http().post(`/holds/${holdId}/confirm/`).set(bearer(user.access));
  const release = (user: TestUser, holdId: number | string) => ctx.http().delete(`/holds/${holdId}/`).set(bearer(user.access));
  const book = (user: TestUser, showId: number, body: object) => ctx.http().post(`/shows/${showId}/book/`).set(bearer(user.access)).send(body);
  const seatMap = async (showId: number): Promise<SeatMap> => (await ctx.http().get(`/shows/${showId}/seats/`).expect(200)).body;

  async function holdRow(id: number) {
    const { rows } = await ctx.db.pool.query(`SELECT id, user_id, show_id, seat_numbers, status FROM holds WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Every row the hold and booking rules write. */
  async function ledger() {
    const [holds, seats, bookings] = await Promise.all([
      ctx.db.pool.query(`SELECT * FROM holds ORDER BY id`),
      ctx.db.pool.query(
        `SELECT show_id, seat_number, booking_id, hold_id, held_by, hold_expires_at FROM seats
          WHERE booking_id IS NOT NULL OR hold_id IS NOT NULL ORDER BY 1, 2`,
      ),
      ctx.db.pool.query(`SELECT * FROM bookings ORDER BY id`),
    ]);
    return { holds: holds.rows, seats: seats.rows, bookings: bookings.rows };
  }

  /** Runs a request that must fail and proves it changed no hold, seat or booking. */
  async function changesNothing(request: () => PromiseLike<Response>): Promise<Response> {
    const before = await ledger();
    const res = await request();
    expect(await ledger()).toEqual(before);
    return res;
  }

  describe('POST /shows/{id}/holds/', () => {
    it('201 with the hold; the seats carry it in the database and show as held, and available_seats drops', async () => {
      const show = await newShow(10);
      const res = await hold(john, show.id, { seat_numbers: [7, 3] }).expect(201);
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
      expect((await ctx.http().get(`/shows/${show.id}/`).expect(200)).body.available_seats).toBe(8);
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('works without the trailing slash', async () => {
      const show = await newShow(3);
      const res = await ctx.http().post(`/shows/${show.id}/holds`).set(bearer(john.access)).send({ seat_numbers: [1] }).expect(201);
      expect(res.body.seat_numbers).toEqual([1]);
    });

    it('401 without a token, and nothing is held', async () => {
      const show = await newShow(3);
      expectProblem(await changesNothing(() => hold(undefined, show.id, { seat_numbers: [1] })), 401);
    });

    it('another user booking a held seat gets 409 SEAT_HELD listing exactly the held seats, and books none of the others', async () => {
      const show = await newShow(10);
      await hold(john, show.id, { seat_numbers: [2, 3] }).expect(201);
      const several = await changesNothing(() => book(jane, show.id, { seat_numbers: [1, 2, 3, 4] }));
      expect(sorted(expectProblem(several, 409, 'SEAT_HELD').seats as number[])).toEqual([2, 3]);
      const one = await changesNothing(() => book(jane, show.id, { seat_number: 3 }));
      expect(expectProblem(one, 409, 'SEAT_HELD')).toMatchObject({ seats: [3] });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
      expect(byStatus(await seatMap(show.id)).held).toEqual([2, 3]);
    });

    it('another user holding a held seat gets 409 SEAT_HELD listing exactly the held seats, and holds none of the others', async () => {
      const show = await newShow(10);
      await hold(john, show.id, { seat_numbers: [5, 6] }).expect(201);
      const res = await changesNothing(() => hold(jane, show.id, { seat_numbers: [4, 6, 8] }));
      expect(expectProblem(res, 409, 'SEAT_HELD')).toMatchObject({ seats: [6] });
      expect(byStatus(await seatMap(show.id))).toMatchObject({ held: [5, 6], booked: [] });
    });

    it('10 users holding the same seat at once: exactly one 201, nine 409 SEAT_HELD', async () => {
      const show = await newShow(10);
      const users = [john, jane, mia, ...(await Promise.all(range(1, 7).map(() => signupAndLogin(ctx.http))))];
      const answers = await Promise.all(users.map((user) => hold(user, show.id, { seat_numbers: [4, 5] })));
      expect(tally(answers)).toEqual({ '201': 1, '409 SEAT_HELD': 9 });
      const winner = answers.find((res) => res.status === 201)!;
      const { rows } = await ctx.db.pool.query(`SELECT user_id, seat_numbers FROM holds WHERE show_id = $1`, [show.id]);
      expect(rows).toEqual([{ user_id: winner.body.user_id, seat_numbers: [4, 5] }]);
    });

    it('409 SEAT_TAKEN for a booked seat, and 409 SHOW_FULL once nothing at all is left', async () => {
      const show = await newShow(3);
      await book(jane, show.id, { seat_numbers: [1, 2] }).expect(201);
      const taken = await changesNothing(() => hold(john, show.id, { seat_numbers: [2, 3] }));
      expect(expectProblem(taken, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [2] });
      await book(jane, show.id, { seat_number: 3 }).expect(201);
      expectProblem(await changesNothing(() => hold(john, show.id, { seat_numbers: [3] })), 409, 'SHOW_FULL');
    });

    // API.md: "a conflict is 409 whose body lists the unavailable `seats`": all of them, booked or held.
    it('a request over a booked seat and a held seat gets one 409 listing both, for a booking and for a hold', async () => {
      const show = await newShow(10);
      await book(jane, show.id, { seat_number: 1 }).expect(201);
      await hold(john, show.id, { seat_numbers: [2] }).expect(201);
      const booking = await changesNothing(() => book(mia, show.id, { seat_numbers: [1, 2, 3] }));
      expect(booking.status).toBe(409);
      expect(sorted(booking.body.seats)).toEqual([1, 2]);
      const held = await changesNothing(() => hold(mia, show.id, { seat_numbers: [1, 2, 3] }));
      expect(held.status).toBe(409);
      expect(sorted(held.body.seats)).toEqual([1, 2]);
    });

    // API.md: SHOW_FULL is for "every seat of the show is booked"; a held seat is not booked and may come back.
    it('409 SEAT_TAKEN, not SHOW_FULL, for a booked seat while the only other seats are merely held', async () => {
      const show = await newShow(3);
      await book(jane, show.id, { seat_numbers: [1, 2] }).expect(201);
      await hold(john, show.id, { seat_numbers: [3] }).expect(201);
      expect(expectProblem(await changesNothing(() => book(mia, show.id, { seat_number: 1 })), 409, 'SEAT_TAKEN')).toMatchObject({
        seats: [1],
      });
      expectProblem(await changesNothing(() => hold(mia, show.id, { seat_numbers: [2] })), 409, 'SEAT_TAKEN');
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
        const res = await changesNothing(() => hold(john, show.id, body));
        expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual(
          expect.arrayContaining([{ field, message: expect.any(String) }]),
        );
      });

      it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', '99999999999'])('the show id %p', async (id) => {
        expectProblem(await changesNothing(() => hold(john, id, { seat_numbers: [1] })), 400, 'VALIDATION_FAILED');
      });
    });

    it.each([
      [[0], [0]],
      [[11], [11]],
      [[1, 11, 2], [11]],
      [[-5, 12], [-5, 12]],
    ])('400 SEAT_OUT_OF_RANGE for %p on a 10-seat show, listing %p, and nothing is held', async (seats, listed) => {
      const show = await newShow(10);
      const res = await changesNothing(() => hold(john, show.id, { seat_numbers: seats }));
      expect(sorted(expectProblem(res, 400, 'SEAT_OUT_OF_RANGE').seats as number[])).toEqual(listed);
    });

    it('404 SHOW_NOT_FOUND for a show that does not exist', async () => {
      expectProblem(await changesNothing(() => hold(john, 2_147_483_647, { seat_numbers: [1] })), 404, 'SHOW_NOT_FOUND');
    });
  });

  describe('POST /holds/{id}/confirm/', () => {
    it('the holder confirms: 201 with an array of bookings, the seats are booked and the hold is confirmed', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [6, 2, 9] }).expect(201)).body;
      clock.advance(5000);
      const res = await confirm(john, held.id).expect(201);
      const bookings = expectNewBookings(res.body, { userId: john.id, showId: show.id, seats: [2, 6, 9], createdAt: clock.now().toISOString() });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual(bookings);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: bookings[0].id, 6: bookings[1].id, 9: bookings[2].id });
      expect((await holdRow(held.id)).status).toBe('confirmed');
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM seats WHERE show_id = $1 AND hold_id IS NOT NULL`, [show.id]);
      expect(rows[0].n).toBe(0);
      const map = await seatMap(show.id);
      expect(byStatus(map)).toEqual({ available: [1, 3, 4, 5, 7, 8, 10], held: [], booked: [2, 6, 9] });
      expect(map.available_seats).toBe(7);
      // the bookings are ordinary bookings: they show in /my-bookings/ and can be cancelled
      const mine = await ctx.http().get('/my-bookings/').set(bearer(john.access)).expect(200);
      expect(mine.body.map((b: { id: number }) => b.id)).toEqual(expect.arrayContaining(bookings.map((b) => b.id)));
      await ctx.http().post(`/bookings/${bookings[0].id}/cancel/`).set(bearer(john.access)).expect(200);
      expect(byStatus(await seatMap(show.id)).booked).toEqual([6, 9]);
    });

    it('confirming twice: 409 HOLD_ALREADY_CONFIRMED and still exactly one set of bookings', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [1, 2] }).expect(201)).body;
      const first = await confirm(john, held.id).expect(201);
      expectProblem(await changesNothing(() => confirm(john, held.id)), 409, 'HOLD_ALREADY_CONFIRMED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([...first.body].sort((a, b) => a.id - b.id));
    });

    it('10 concurrent confirms of one hold: exactly one 201, nine 409 HOLD_ALREADY_CONFIRMED, one set of bookings', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [3, 4, 5] }).expect(201)).body;
      const answers = await Promise.all(range(1, 10).map(() => confirm(john, held.id)));
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
        const held = (await hold(john, show.id, { seat_numbers: [round, round + 10] }).expect(201)).body;
        const [confirmed, released] = await Promise.all([confirm(john, held.id), release(john, held.id)]);
        const outcomes = [outcome(confirmed), outcome(released)];
        const seatRows = await ctx.db.pool.query(
          `SELECT booking_id, hold_id FROM seats WHERE show_id = $1 AND seat_number = ANY($2::int[]) ORDER BY seat_number`,
          [show.id, [round, round + 10]],
        );
        if (confirmed.status === 201) {
          expect({ round, outcomes }).toEqual({ round, outcomes: ['201', '409 HOLD_ALREADY_CONFIRMED'] });
          expect(released.body.code).toBe('HOLD_ALREADY_CONFIRMED');
          expect((await holdRow(held.id)).status).toBe('confirmed');
          expect(seatRows.rows.map((r) => r.booking_id).sort()).toEqual(confirmed.body.map((b: { id: number }) => b.id).sort());
        } else {
          expect({ round, outcomes }).toEqual({ round, outcomes: ['409 HOLD_RELEASED', '204'] });
          expect((await holdRow(held.id)).status).toBe('released');
          expect(seatRows.rows).toEqual([
            { booking_id: null, hold_id: null },
            { booking_id: null, hold_id: null },
          ]);
        }
      }
    });

    it("someone else's hold: 403 NOT_HOLD_OWNER for confirm and release, and nothing changes", async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [8] }).expect(201)).body;
      expectProblem(await changesNothing(() => confirm(jane, held.id)), 403, 'NOT_HOLD_OWNER');
      expectProblem(await changesNothing(() => release(jane, held.id)), 403, 'NOT_HOLD_OWNER');
      expect((await holdRow(held.id)).status).toBe('active');
      expect(byStatus(await seatMap(show.id)).held).toEqual([8]);
      // the owner still can
      await confirm(john, held.id).expect(201);
    });

    it('404 HOLD_NOT_FOUND for an unknown hold, for confirm and release', async () => {
      expectProblem(await changesNothing(() => confirm(john, 2_147_483_647)), 404, 'HOLD_NOT_FOUND');
      expectProblem(await changesNothing(() => release(john, 2_147_483_647)), 404, 'HOLD_NOT_FOUND');
    });

    it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', '99999999999'])('400 VALIDATION_FAILED for the hold id %p', async (id) => {
      expectProblem(await changesNothing(() => confirm(john, id)), 400, 'VALIDATION_FAILED');
      expectProblem(await changesNothing(() => release(john, id)), 400, 'VALIDATION_FAILED');
    });

    it('401 without a token for confirm and release', async () => {
      const show = await newShow(3);
      const held = (await hold(john, show.id, { seat_numbers: [1] }).expect(201)).body;
      expectProblem(await changesNothing(() => ctx.http().post(`/holds/${held.id}/confirm/`)), 401);
      expectProblem(await changesNothing(() => ctx.http().delete(`/holds/${held.id}/`)), 401);
    });
  });

  describe('DELETE /holds/{id}/', () => {
    it('204 with no body; the seats are available at once and another user can book them', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [4, 5] }).expect(201)).body;
      const res = await release(john, held.id).expect(204);
      expect(res.text).toBe('');
      expect((await holdRow(held.id)).status).toBe('released');
      const map = await seatMap(show.id);
      expect(byStatus(map).held).toEqual([]);
      expect(map.available_seats).toBe(10);
      await book(jane, show.id, { seat_numbers: [4, 5] }).expect(201);
    });

    it('a released hold cannot be confirmed (409 HOLD_RELEASED); releasing it again changes nothing', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [1] }).expect(201)).body;
      await release(john, held.id).expect(204);
      expectProblem(await changesNothing(() => confirm(john, held.id)), 409, 'HOLD_RELEASED');
      const again = await changesNothing(() => release(john, held.id));
      expect(again.status).toBe(204);
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('a confirmed hold cannot be released (409 HOLD_ALREADY_CONFIRMED) and its bookings stay', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [2, 3] }).expect(201)).body;
      await confirm(john, held.id).expect(201);
      expectProblem(await changesNothing(() => release(john, held.id)), 409, 'HOLD_ALREADY_CONFIRMED');
      expect(byStatus(await seatMap(show.id)).booked).toEqual([2, 3]);
    });
  });

  describe('expiry (HOLD_TTL_SECONDS, no background job)', () => {
    it('held until the last millisecond; then the map shows the seats available and another user books them at once', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [3, 4] }).expect(201)).body;
      clock.advance(TTL_MS - 1);
      expect(byStatus(await seatMap(show.id)).held).toEqual([3, 4]);
      expectProblem(await book(jane, show.id, { seat_number: 3 }), 409, 'SEAT_HELD');

      clock.advance(1);
      const map = await seatMap(show.id);
      expect(byStatus(map)).toEqual({ available: range(1, 10), held: [], booked: [] });
      expect(map.available_seats).toBe(10);
      expect((await ctx.http().get(`/shows/${show.id}/`).expect(200)).body.available_seats).toBe(10);
      // Nothing has cleaned up: the seat rows still name the hold, and yet it no longer counts.
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM seats WHERE hold_id = $1`, [held.id]);
      expect(rows[0].n).toBe(2);

      const taken = await book(jane, show.id, { seat_number: 3 }).expect(201);
      expect(taken.body).toMatchObject({ user_id: jane.id, seat_number: 3, status: 'booked' });
      const reheld = await hold(mia, show.id, { seat_numbers: [4] }).expect(201);
      expect(reheld.body.user_id).toBe(mia.id);

      expectProblem(await changesNothing(() => confirm(john, held.id)), 410, 'HOLD_EXPIRED');
      expect(byStatus(await seatMap(show.id))).toMatchObject({ held: [4], booked: [3] });
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 3: taken.body.id });
    });

    it('an expired hold nobody touched is still 410 HOLD_EXPIRED on confirm, and books nothing', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [1, 2] }).expect(201)).body;
      clock.advance(TTL_MS + 60_000);
      expectProblem(await changesNothing(() => confirm(john, held.id)), 410, 'HOLD_EXPIRED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('the sweeper only tidies up: running it changes no seat status, no ETag, and confirm stays 410', async () => {
      const show = await newShow(10);
      const held = (await hold(john, show.id, { seat_numbers: [5] }).expect(201)).body;
      clock.advance(TTL_MS);
      const before = await ctx.http().get(`/shows/${show.id}/seats/`).expect(200);
      expect(await ctx.app.get(HoldsService).expireDue()).toBeGreaterThanOrEqual(1);
      expect((await holdRow(held.id)).status).toBe('expired');
      const after = await ctx.http().get(`/shows/${show.id}/seats/`).expect(200);
      expect(after.headers.etag).toBe(before.headers.etag);
      expect(after.body).toEqual(before.body);
      expectProblem(await confirm(john, held.id), 410, 'HOLD_EXPIRED');
    });
  });

  describe('hold limit (MAX_HELD_SEATS_PER_SHOW = 10 per user per show)', () => {
    it('10 seats in one hold is fine; one more is 409 HOLD_LIMIT_EXCEEDED, for this show only', async () => {
      const show = await newShow(30);
      await hold(john, show.id, { seat_numbers: range(1, 10) }).expect(201);
      const res = await changesNothing(() => hold(john, show.id, { seat_numbers: [11] }));
      expect(expectProblem(res, 409, 'HOLD_LIMIT_EXCEEDED')).toMatchObject({ limit: 10, held: 10 });
      expect(byStatus(await seatMap(show.id)).held).toEqual(range(1, 10));
      // other customers and other shows are not affected
      await hold(jane, show.id, { seat_numbers: [11] }).expect(201);
      const other = await newShow(30);
      await hold(john, other.id, { seat_numbers: range(1, 10) }).expect(201);
    });

    it('counts across holds (4 + 6 = 10, then no more); releasing or expiring frees room again', async () => {
      const show = await newShow(30);
      const first = (await hold(john, show.id, { seat_numbers: [1, 2, 3, 4] }).expect(201)).body;
      await hold(john, show.id, { seat_numbers: range(5, 10) }).expect(201);
      expectProblem(await changesNothing(() => hold(john, show.id, { seat_numbers: [20] })), 409, 'HOLD_LIMIT_EXCEEDED');
      await release(john, first.id).expect(204);
      await hold(john, show.id, { seat_numbers: [20, 21, 22, 23] }).expect(201);
      expectProblem(await changesNothing(() => hold(john, show.id, { seat_numbers: [24] })), 409, 'HOLD_LIMIT_EXCEEDED');
      clock.advance(TTL_MS);
      await hold(john, show.id, { seat_numbers: range(11, 20) }).expect(201);
    });

    it('confirmed seats are bookings, not holds: they leave room for new holds', async () => {
      const show = await newShow(30);
      const held = (await hold(john, show.id, { seat_numbers: range(1, 10) }).expect(201)).body;
      await confirm(john, held.id).expect(201);
      await hold(john, show.id, { seat_numbers: range(11, 20) }).expect(201);
    });

    it('5 concurrent 3-seat holds by one user on distinct seats: exactly 3 succeed, never more than 10 seats held', async () => {
      const show = await newShow(30);
      const answers = await Promise.all(range(0, 4).map((i) => hold(john, show.id, { seat_numbers: [3 * i + 1, 3 * i + 2, 3 * i + 3] })));
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
      const held = (await hold(john, show.id, { seat_numbers: [1] }).expect(201)).body;
      const booking = (await book(jane, show.id, { seat_number: 2 }).expect(201)).body;
      clock.set(new Date(start.getTime() - 1));
      await hold(mia, show.id, { seat_numbers: [3] }).expect(201);

      clock.set(new Date(start.getTime() + 1000)); // the hold (TTL 90 s) has not expired yet
      expectProblem(await changesNothing(() => hold(mia, show.id, { seat_numbers: [4] })), 409, 'SHOW_STARTED');
      expectProblem(await changesNothing(() => confirm(john, held.id)), 409, 'SHOW_STARTED');
      const cancel = await changesNothing(() => ctx.http().post(`/bookings/${booking.id}/cancel/`).set(bearer(jane.access)));
      expectProblem(cancel, 409, 'SHOW_STARTED');
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: booking.id });
    });
  });

  describe('the database itself forbids a seat that is both booked and held', () => {
    it('an UPDATE putting a hold on a booked seat fails (CHECK seats_booked_or_held)', async () => {
      const show = await newShow(5);
      const booking = (await book(jane, show.id, { seat_number: 1 }).expect(201)).body;
      const held = (await hold(john, show.id, { seat_numbers: [2] }).expect(201)).body;
      await expect(
        ctx.db.pool.query(
          `UPDATE seats SET hold_id = $2, held_by = $3, hold_expires_at = now() + interval '1 hour' WHERE show_id = $1 AND seat_number = 1`,
          [show.id, held.id, john.id],
        ),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_booked_or_held' });
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 1: booking.id });
    });

    it('an UPDATE pointing a held seat at a booking fails too', async () => {
      const show = await newShow(5);
      const held = (await hold(john, show.id, { seat_numbers: [3] }).expect(201)).body;
      // A booking row for the seat, written behind the app's back, so the foreign key is satisfied.
      const { rows } = await ctx.db.pool.query(
        `INSERT INTO bookings (user_id, show_id, seat_number, status) VALUES ($1, $2, 3, 'booked') RETURNING id`,
        [jane.id, show.id],
      );
      await expect(
        ctx.db.pool.query(`UPDATE seats SET booking_id = $2 WHERE show_id = $1 AND seat_number = 3`, [show.id, rows[0].id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_booked_or_held' });
      const seat = await ctx.db.pool.query(`SELECT booking_id, hold_id FROM seats WHERE show_id = $1 AND seat_number = 3`, [show.id]);
      expect(seat.rows[0]).toEqual({ booking_id: null, hold_id: held.id });
    });
  });
});
