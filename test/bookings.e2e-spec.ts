import type { Response } from 'supertest';
import { ManualClock } from '../src/common/clock';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/app-config';
import { bearer, BookingWorld, bookingWorld, createMovie, createShow, signupAndLogin, TestUser } from './factories';
import { expectNewBookings } from './support/answers';
import { bookingById, bookingsOf, bookingState, seatOwners } from './support/db';
import { expectProblem, ISO_UTC, signJwt } from './support/problem';

describe('bookings (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, admin, john, jane, movieId, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, admin, john, jane, movieId, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it; each test starts at the real now.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  const book = (token: string | undefined, showId: number, body: unknown) => {
    const req = ctx.http().post(`/shows/${showId}/book/`);
    if (token) req.set(bearer(token));
    return req.send(body as object);
  };
  const cancel = (token: string, bookingId: number | string) => ctx.http().post(`/bookings/${bookingId}/cancel/`).set(bearer(token));

  /** Runs a request that must fail, and proves it left every booking and seat as it found them. */
  async function changesNothing(request: () => PromiseLike<Response>): Promise<Response> {
    const before = await bookingState(ctx.db.pool);
    const res = await request();
    expect(await bookingState(ctx.db.pool)).toEqual(before);
    return res;
  }

  it('books a free seat: 201 with the booking, and the seat is gone from available_seats', async () => {
    const show = await newShow(10);
    const res = await ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).send({ seat_number: 3 }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      user_id: john.id,
      show_id: show.id,
      seat_number: 3,
      status: 'booked',
      created_at: expect.stringMatching(ISO_UTC),
      cancelled_at: null,
    });
    const after = await ctx.http().get(`/shows/${show.id}`).expect(200);
    expect(after.body.available_seats).toBe(9);
  });

  it('answers 409 SEAT_TAKEN for a seat someone already booked, and 409 SHOW_FULL once every seat is gone', async () => {
    const show = await newShow(2);
    await ctx.http().post(`/shows/${show.id}/book`).set(bearer(john.access)).send({ seat_number: 1 }).expect(201);
    const taken = await ctx.http().post(`/shows/${show.id}/book`).set(bearer(jane.access)).send({ seat_number: 1 }).expect(409);
    expect(taken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(taken.body).toMatchObject({ status: 409, code: 'SEAT_TAKEN', seats: [1] });
    await ctx.http().post(`/shows/${show.id}/book`).set(bearer(jane.access)).send({ seat_number: 2 }).expect(201);
    const full = await ctx.http().post(`/shows/${show.id}/book`).set(bearer(jane.access)).send({ seat_number: 2 }).expect(409);
    expect(full.body.code).toBe('SHOW_FULL');
  });

  describe('POST /shows/{id}/book/ with seat_number', () => {
    it('stores exactly what it answers: the booking row, created at the clock time, and the seat pointing at it', async () => {
      const show = await newShow(5);
      const res = await book(jane.access, show.id, { seat_number: 5 }).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.created_at).toBe(clock.now().toISOString());
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([res.body]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 5: res.body.id });
    });

    it('books the first and the last seat (1 and total_seats)', async () => {
      const show = await newShow(7);
      await book(john.access, show.id, { seat_number: 1 }).expect(201);
      await book(john.access, show.id, { seat_number: 7 }).expect(201);
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toEqual(['1', '7']);
    });

    describe('401 for a missing or bad token', () => {
      const claims = () => ({ sub: john.id, username: john.username, role: 'customer', typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 });

      it('accepts a token forged the same way with the right secret (the control for the cases below)', async () => {
        const show = await newShow(3);
        const res = await book(signJwt(claims(), DEVELOPMENT_JWT_SECRET), show.id, { seat_number: 1 }).expect(201);
        expect(res.body.user_id).toBe(john.id);
      });

      const badTokens: [string, () => string | undefined][] = [
        ['no Authorization header', () => undefined],
        ['a token that is not a JWT', () => 'not-a-jwt'],
        ['an empty bearer token', () => ''],
        ['a token signed with another secret', () => signJwt(claims(), 'some-other-secret-entirely')],
        ['an expired token', () => signJwt({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }, DEVELOPMENT_JWT_SECRET)],
        ['an unsigned token (alg none)', () => signJwt(claims(), '', { alg: 'none', typ: 'JWT' })],
        [
          'a tampered token (payload swapped, signature kept)',
          () => {
            const [head, , signature] = john.access.split('.');
            return `${head}.${Buffer.from(JSON.stringify({ ...claims(), sub: jane.id })).toString('base64url')}.${signature}`;
          },
        ],
        ['a refresh token used as an access token', () => john.refresh],
      ];

      it.each(badTokens)('%s', async (_name, token) => {
        const show = await newShow(3);
        const res = await changesNothing(() => {
          const t = token();
          const req = ctx.http().post(`/shows/${show.id}/book/`);
          if (t !== undefined) req.set('Authorization', `Bearer ${t}`);
          return req.send({ seat_number: 1 });
        });
        expectProblem(res, 401);
      });

      it('a non-Bearer scheme', async () => {
        const show = await newShow(3);
        const res = await changesNothing(() =>
          ctx.http().post(`/shows/${show.id}/book/`).set('Authorization', `Basic ${john.access}`).send({ seat_number: 1 }),
        );
        expectProblem(res, 401);
      });
    });

    describe('400 VALIDATION_FAILED for a seat_number that is missing or not an integer', () => {
      const cases: [string, unknown, string][] = [
        ['missing', {}, 'seat_number'],
        ['a string "1"', { seat_number: '1' }, 'seat_number'],
        ['a fraction 1.5', { seat_number: 1.5 }, 'seat_number'],
        ['a boolean true', { seat_number: true }, 'seat_number'],
        ['null', { seat_number: null }, 'seat_number'],
        ['an array [1]', { seat_number: [1] }, 'seat_number'],
        ['an object', { seat_number: { n: 1 } }, 'seat_number'],
        ['an unknown extra field', { seat_number: 1, seat: 2 }, 'seat'],
        ['an unknown extra field even when null', { seat_number: 1, user_id: null }, 'user_id'],
      ];

      it.each(cases)('%s', async (_name, body, field) => {
        const show = await newShow(3);
        const res = await changesNothing(() => book(john.access, show.id, body));
        const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(problem.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      });

      it('a body that is not a JSON object (array, number, string, null)', async () => {
        const show = await newShow(3);
        for (const raw of ['[1]', '1', '"1"', 'null']) {
          const res = await changesNothing(() =>
            ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).set('Content-Type', 'application/json').send(raw),
          );
          expectProblem(res, 400, 'VALIDATION_FAILED');
        }
      });

      it('malformed JSON is a 400 problem, not a 500', async () => {
        const show = await newShow(3);
        const res = await changesNothing(() =>
          ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).set('Content-Type', 'application/json').send('{"seat_number": 1'),
        );
        expectProblem(res, 400);
      });

      it('a show id that is not a positive integer', async () => {
        for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
          const res = await changesNothing(() => ctx.http().post(`/shows/${id}/book/`).set(bearer(john.access)).send({ seat_number: 1 }));
          expectProblem(res, 400, 'VALIDATION_FAILED');
        }
      });
    });

    describe('400 SEAT_OUT_OF_RANGE for n < 1 or n > total_seats', () => {
      it.each([0, -1, 11, 2001, 2147483648, 99999999999, -99999999999, 1e20])('seat %p of a 10-seat show', async (seat) => {
        const show = await newShow(10);
        const res = await changesNothing(() => book(john.access, show.id, { seat_number: seat }));
        expect(expectProblem(res, 400, 'SEAT_OUT_OF_RANGE')).toMatchObject({ seats: [seat] });
      });
    });

    it('404 SHOW_NOT_FOUND for a show that does not exist', async () => {
      const res = await changesNothing(() => book(john.access, 2_147_483_647, { seat_number: 1 }));
      expectProblem(res, 404, 'SHOW_NOT_FOUND');
    });

    it('409 SEAT_TAKEN whoever holds the seat, the caller included; the body lists the seat and the first booking stays', async () => {
      const show = await newShow(4);
      const first = await book(john.access, show.id, { seat_number: 2 }).expect(201);
      for (const token of [jane.access, john.access, admin]) {
        const res = await changesNothing(() => book(token, show.id, { seat_number: 2 }));
        expect(expectProblem(res, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [2] });
      }
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([first.body]);
    });

    it('409 SHOW_FULL when every seat is booked, for any seat asked for', async () => {
      const show = await newShow(3);
      await book(john.access, show.id, { seat_numbers: [1, 2, 3] }).expect(201);
      for (const seat of [1, 3]) {
        const res = await changesNothing(() => book(jane.access, show.id, { seat_number: seat }));
        expectProblem(res, 409, 'SHOW_FULL');
      }
      const after = await ctx.http().get(`/shows/${show.id}/`).expect(200);
      expect(after.body.available_seats).toBe(0);
    });

    it('409 SHOW_STARTED once the clock passes the show start; until then the seat is bookable', async () => {
      const show = await newShow(5);
      const start = Date.parse(show.date_time);
      clock.set(new Date(start - 1));
      await book(john.access, show.id, { seat_number: 1 }).expect(201);
      clock.set(new Date(start + 60_000));
      const res = await changesNothing(() => book(jane.access, show.id, { seat_number: 2 }));
      expectProblem(res, 409, 'SHOW_STARTED');
    });
  });

  describe('POST /shows/{id}/book/ with seat_numbers', () => {
    it('books several seats at once: 201 with an array of bookings, all in the database', async () => {
      const show = await newShow(10);
      const res = await book(john.access, show.id, { seat_numbers: [7, 2, 4] }).expect(201);
      const bookings = expectNewBookings(res.body, { userId: john.id, showId: show.id, seats: [2, 4, 7], createdAt: clock.now().toISOString() });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual(expect.arrayContaining(bookings));
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: bookings[0].id, 4: bookings[1].id, 7: bookings[2].id });
    });

    it('a one-seat array is still answered with an array', async () => {
      const show = await newShow(3);
      const res = await book(john.access, show.id, { seat_numbers: [3] }).expect(201);
      expect(res.body).toEqual([expect.objectContaining({ seat_number: 3, user_id: john.id })]);
    });

    it('books 10 seats, the most one request may ask for', async () => {
      const show = await newShow(10);
      const res = await book(john.access, show.id, { seat_numbers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }).expect(201);
      expect(res.body).toHaveLength(10);
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toHaveLength(10);
    });

    it('all or nothing: one taken seat makes it 409 SEAT_TAKEN listing only that seat, and none of the others is booked', async () => {
      const show = await newShow(10);
      const janes = await book(jane.access, show.id, { seat_number: 2 }).expect(201);
      const res = await changesNothing(() => book(john.access, show.id, { seat_numbers: [1, 2, 3] }));
      expect(expectProblem(res, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [2] });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([janes.body]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: janes.body.id });
    });

    it('409 lists exactly the unavailable seats when several are taken', async () => {
      const show = await newShow(10);
      await book(jane.access, show.id, { seat_numbers: [9, 4] }).expect(201);
      const res = await changesNothing(() => book(john.access, show.id, { seat_numbers: [9, 1, 4, 5] }));
      const problem = expectProblem(res, 409, 'SEAT_TAKEN');
      expect([...(problem.seats as number[])].sort((a, b) => a - b)).toEqual([4, 9]);
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toEqual(['4', '9']);
    });

    it('one seat out of range makes it 400 SEAT_OUT_OF_RANGE and books none of the others', async () => {
      const show = await newShow(5);
      const res = await changesNothing(() => book(john.access, show.id, { seat_numbers: [1, 6] }));
      expect(expectProblem(res, 400, 'SEAT_OUT_OF_RANGE')).toMatchObject({ seats: [6] });
    });

    it('numbers far outside any show (and outside int4) are 400 SEAT_OUT_OF_RANGE too, never a 500', async () => {
      const show = await newShow(5);
      const res = await changesNothing(() => book(john.access, show.id, { seat_numbers: [99999999999, 2, 0, 2147483648] }));
      const problem = expectProblem(res, 400, 'SEAT_OUT_OF_RANGE');
      expect([...(problem.seats as number[])].sort((a, b) => a - b)).toEqual([0, 2147483648, 99999999999]);
    });

    const invalid: [string, unknown][] = [
      ['a repeated seat', { seat_numbers: [1, 1] }],
      ['an empty array', { seat_numbers: [] }],
      ['11 seats', { seat_numbers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }],
      ['a string among the seats', { seat_numbers: [1, '2'] }],
      ['a fraction', { seat_numbers: [1.5] }],
      ['a boolean', { seat_numbers: [true] }],
      ['a null seat', { seat_numbers: [null] }],
      ['a nested array', { seat_numbers: [[1]] }],
      ['not an array (a number)', { seat_numbers: 1 }],
      ['not an array (a string)', { seat_numbers: '1,2' }],
      ['seat_numbers: null', { seat_numbers: null }],
      ['both seat_number and seat_numbers', { seat_number: 1, seat_numbers: [2] }],
      ['both, even when they agree', { seat_number: 1, seat_numbers: [1] }],
      ['an unknown extra field', { seat_numbers: [1], note: 'window' }],
    ];

    it.each(invalid)('400 VALIDATION_FAILED for %s', async (_name, body) => {
      const show = await newShow(20);
      const res = await changesNothing(() => book(john.access, show.id, body));
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /my-bookings/', () => {
    it('401 without a token', async () => {
      expectProblem(await ctx.http().get('/my-bookings/'), 401);
    });

    it("lists only the caller's bookings, newest first, with movie_title, screen_name, date_time; ?status filters; X-Total-Count counts", async () => {
      const mia = await signupAndLogin(ctx.http);
      const otherMovie = await createMovie(ctx.http, admin, { title: 'Second Feature' });
      const movie = (await ctx.http().get(`/movies/${movieId}/`).expect(200)).body;
      const showA = await newShow(10);
      const showB = await createShow(ctx.http, admin, otherMovie.id, { total_seats: 10 });

      const first = (await book(mia.access, showA.id, { seat_number: 1 }).expect(201)).body;
      clock.advance(1000);
      const second = (await book(mia.access, showB.id, { seat_number: 2 }).expect(201)).body;
      clock.advance(1000);
      const third = (await book(mia.access, showA.id, { seat_number: 5 }).expect(201)).body;
      clock.advance(1000);
      await book(jane.access, showA.id, { seat_number: 6 }).expect(201);
      const cancelled = (await cancel(mia.access, second.id).expect(200)).body;

      const listed = (b: typeof first, show: typeof showA, title: string) => ({
        ...b,
        movie_title: title,
        screen_name: show.screen_name,
        date_time: show.date_time,
      });
      const all = await ctx.http().get('/my-bookings/').set(bearer(mia.access)).expect(200);
      expect(all.headers['x-total-count']).toBe('3');
      expect(all.body).toEqual([
        listed(third, showA, movie.title),
        listed(cancelled, showB, 'Second Feature'),
        listed(first, showA, movie.title),
      ]);

      const noSlash = await ctx.http().get('/my-bookings').set(bearer(mia.access)).expect(200);
      expect(noSlash.body).toEqual(all.body);

      const booked = await ctx.http().get('/my-bookings/?status=booked').set(bearer(mia.access)).expect(200);
      expect(booked.headers['x-total-count']).toBe('2');
      expect(booked.body.map((b: { id: number }) => b.id)).toEqual([third.id, first.id]);

      const onlyCancelled = await ctx.http().get('/my-bookings/?status=cancelled').set(bearer(mia.access)).expect(200);
      expect(onlyCancelled.headers['x-total-count']).toBe('1');
      expect(onlyCancelled.body).toEqual([listed(cancelled, showB, 'Second Feature')]);
      expect(onlyCancelled.body[0]).toMatchObject({ status: 'cancelled', cancelled_at: expect.stringMatching(ISO_UTC) });

      const page = await ctx.http().get('/my-bookings/?limit=1&offset=1').set(bearer(mia.access)).expect(200);
      expect(page.headers['x-total-count']).toBe('3');
      expect(page.body.map((b: { id: number }) => b.id)).toEqual([second.id]);
    });

    it('a new user has an empty list and X-Total-Count 0', async () => {
      const nobody = await signupAndLogin(ctx.http);
      const res = await ctx.http().get('/my-bookings/').set(bearer(nobody.access)).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
    });

    it.each(['status=active', 'status=', 'limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'user_id=1'])(
      '400 VALIDATION_FAILED for ?%s',
      async (query) => {
        const res = await ctx.http().get(`/my-bookings/?${query}`).set(bearer(john.access));
        expectProblem(res, 400, 'VALIDATION_FAILED');
      },
    );
  });

  describe('POST /bookings/{id}/cancel/', () => {
    async function bookedSeat(owner: TestUser, seat = 1) {
      const show = await newShow(5);
      const booking = (await book(owner.access, show.id, { seat_number: seat }).expect(201)).body;
      return { show, booking };
    }

    it('the owner cancels: 200 with status "cancelled" and cancelled_at set, the seat is freed in the database', async () => {
      const { show, booking } = await bookedSeat(john);
      clock.advance(5000);
      const res = await cancel(john.access, booking.id).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ ...booking, status: 'cancelled', cancelled_at: clock.now().toISOString() });
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(res.body);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
      expect((await ctx.http().get(`/shows/${show.id}`).expect(200)).body.available_seats).toBe(5);
    });

    it('works without the trailing slash too', async () => {
      const { booking } = await bookedSeat(john);
      const res = await ctx.http().post(`/bookings/${booking.id}/cancel`).set(bearer(john.access)).expect(200);
      expect(res.body.status).toBe('cancelled');
    });

    it('another user gets 403 NOT_BOOKING_OWNER and the booking stays booked', async () => {
      const { show, booking } = await bookedSeat(john);
      const res = await changesNothing(() => cancel(jane.access, booking.id));
      expectProblem(res, 403, 'NOT_BOOKING_OWNER');
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(booking);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 1: booking.id });
    });

    it("an admin may cancel anyone's booking", async () => {
      const { show, booking } = await bookedSeat(jane);
      const res = await cancel(admin, booking.id).expect(200);
      expect(res.body).toMatchObject({ id: booking.id, user_id: jane.id, status: 'cancelled', cancelled_at: expect.stringMatching(ISO_UTC) });
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
    });

    it('404 BOOKING_NOT_FOUND for an unknown id', async () => {
      const res = await changesNothing(() => cancel(john.access, 2_147_483_647));
      expectProblem(res, 404, 'BOOKING_NOT_FOUND');
    });

    it.each(['abc', '0', '-3', '1.5', '1e3', '99999999999'])('400 VALIDATION_FAILED for the id %p', async (id) => {
      const res = await changesNothing(() => cancel(john.access, id));
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });

    it('401 without a token, and the booking stays', async () => {
      const { booking } = await bookedSeat(john);
      const res = await changesNothing(() => ctx.http().post(`/bookings/${booking.id}/cancel/`));
      expectProblem(res, 401);
    });

    it('cancelling twice is 409 ALREADY_CANCELLED and keeps the first cancelled_at', async () => {
      const { booking } = await bookedSeat(john);
      const first = await cancel(john.access, booking.id).expect(200);
      clock.advance(60_000);
      const res = await changesNothing(() => cancel(john.access, booking.id));
      expectProblem(res, 409, 'ALREADY_CANCELLED');
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(first.body);
      const byAdmin = await changesNothing(() => cancel(admin, booking.id));
      expectProblem(byAdmin, 409, 'ALREADY_CANCELLED');
    });

    it('after the show started it is 409 SHOW_STARTED, for the owner and for an admin, and the booking stays', async () => {
      const { show, booking } = await bookedSeat(john);
      clock.set(new Date(Date.parse(show.date_time) + 1000));
      expectProblem(await changesNothing(() => cancel(john.access, booking.id)), 409, 'SHOW_STARTED');
      expectProblem(await changesNothing(() => cancel(admin, booking.id)), 409, 'SHOW_STARTED');
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(booking);
    });

    it('the cancelled seat can be booked again at once, by anyone, while the cancelled booking is kept', async () => {
      const { show, booking } = await bookedSeat(john, 3);
      await cancel(john.access, booking.id).expect(200);
      const again = await book(jane.access, show.id, { seat_number: 3 }).expect(201);
      expect(again.body).toMatchObject({ seat_number: 3, user_id: jane.id, status: 'booked' });
      expect(again.body.id).not.toBe(booking.id);
      const rows = await bookingsOf(ctx.db.pool, show.id);
      expect(rows.map((r) => [r.id, r.status])).toEqual([
        [booking.id, 'cancelled'],
        [again.body.id, 'booked'],
      ]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 3: again.body.id });
      // and the owner can take it back after the new holder lets it go
      await cancel(jane.access, again.body.id).expect(200);
      await book(john.access, show.id, { seat_number: 3 }).expect(201);
    });

    it('a full show has a free seat again after a cancel: SHOW_FULL turns into 201', async () => {
      const show = await newShow(2);
      const [, second] = (await book(john.access, show.id, { seat_numbers: [1, 2] }).expect(201)).body;
      expectProblem(await book(jane.access, show.id, { seat_number: 2 }), 409, 'SHOW_FULL');
      await cancel(john.access, second.id).expect(200);
      await book(jane.access, show.id, { seat_number: 2 }).expect(201);
    });
  });

  describe('the database itself keeps the invariants', () => {
    it('rejects a second active booking of the same seat inserted straight through SQL (unique violation)', async () => {
      const show = await newShow(3);
      await book(john.access, show.id, { seat_number: 1 }).expect(201);
      await expect(
        ctx.db.pool.query(`INSERT INTO bookings (user_id, show_id, seat_number, status) VALUES ($1, $2, 1, 'booked')`, [jane.id, show.id]),
      ).rejects.toMatchObject({ code: '23505', constraint: 'bookings_one_active_per_seat' });
      // A cancelled booking of the seat is history and may sit beside the active one.
      await ctx.db.pool.query(
        `INSERT INTO bookings (user_id, show_id, seat_number, status, cancelled_at) VALUES ($1, $2, 1, 'cancelled', now())`,
        [jane.id, show.id],
      );
      const rows = await bookingsOf(ctx.db.pool, show.id);
      expect(rows.filter((r) => r.status === 'booked')).toHaveLength(1);
    });

    it('rejects two active bookings of one seat even inside one transaction', async () => {
      const show = await newShow(3);
      await expect(
        ctx.db.pool.query(
          `INSERT INTO bookings (user_id, show_id, seat_number, status) VALUES ($1, $3, 2, 'booked'), ($2, $3, 2, 'booked')`,
          [john.id, jane.id, show.id],
        ),
      ).rejects.toMatchObject({ code: '23505', constraint: 'bookings_one_active_per_seat' });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('cannot hold a seats row beyond total_seats, neither with the true total nor with a made-up one', async () => {
      const show = await newShow(4);
      await expect(
        ctx.db.pool.query(`INSERT INTO seats (show_id, seat_number, total_seats) VALUES ($1, 5, 4)`, [show.id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_number_in_range' });
      await expect(
        ctx.db.pool.query(`INSERT INTO seats (show_id, seat_number, total_seats) VALUES ($1, 5, 5)`, [show.id]),
      ).rejects.toMatchObject({ code: '23503', constraint: 'seats_show_fk' });
      await expect(
        ctx.db.pool.query(`INSERT INTO seats (show_id, seat_number, total_seats) VALUES ($1, 0, 4)`, [show.id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_number_in_range' });
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n, max(seat_number) AS top FROM seats WHERE show_id = $1`, [show.id]);
      expect(rows[0]).toEqual({ n: 4, top: 4 });
    });

    it('cannot book a seat that has no seats row (so never more bookings than seats)', async () => {
      const show = await newShow(2);
      await expect(
        ctx.db.pool.query(`INSERT INTO bookings (user_id, show_id, seat_number, status) VALUES ($1, $2, 3, 'booked')`, [john.id, show.id]),
      ).rejects.toMatchObject({ code: '23503', constraint: 'bookings_seat_fk' });
    });
  });
});
