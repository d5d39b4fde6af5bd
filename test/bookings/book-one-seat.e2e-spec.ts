import { ManualClock } from '../../src/common/clock';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/app-config';
import { bearer, BookingWorld, bookingWorld } from '../factories';
import { TICKET_CODE } from '../support/answers';
import { bookingsOf, expectUnchanged, seatOwners } from '../support/db';
import { expectProblem, ISO_UTC, signJwt } from '../support/problem';

describe('bookings (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it; each test starts at the real now.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  it('books a free seat: 201 with the booking, and the seat is gone from available_seats', async () => {
    const show = await newShow(10);
    const res = await api.book(john, show.id, 3).expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      user_id: john.id,
      show_id: show.id,
      seat_number: 3,
      status: 'booked',
      created_at: expect.stringMatching(ISO_UTC),
      cancelled_at: null,
      ticket_code: expect.stringMatching(TICKET_CODE),
      seat_label: 'A3',
      checked_in_at: null,
      price: 0,
      order_id: null,
    });
    const after = await api.show(show.id).expect(200);
    expect(after.body.available_seats).toBe(9);
  });

  it('answers 409 SEAT_TAKEN for a seat someone already booked, and 409 SHOW_FULL once every seat is gone', async () => {
    const show = await newShow(2);
    await api.book(john, show.id, 1).expect(201);
    const taken = await api.book(jane, show.id, 1).expect(409);
    expect(taken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(taken.body).toMatchObject({ status: 409, code: 'SEAT_TAKEN', seats: [1] });
    await api.book(jane, show.id, 2).expect(201);
    const full = await api.book(jane, show.id, 2).expect(409);
    expect(full.body.code).toBe('SHOW_FULL');
  });

  describe('POST /shows/{id}/book/ with seat_number', () => {
    it('stores exactly what it answers: the booking row, created at the clock time, and the seat pointing at it', async () => {
      const show = await newShow(5);
      const res = await api.book(jane, show.id, 5).expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.created_at).toBe(clock.now().toISOString());
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([res.body]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 5: res.body.id });
    });

    it('books the first and the last seat (1 and total_seats)', async () => {
      const show = await newShow(7);
      await api.book(john, show.id, 1).expect(201);
      await api.book(john, show.id, 7).expect(201);
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toEqual(['1', '7']);
    });

    describe('401 for a missing or bad token', () => {
      const claims = () => ({ sub: john.id, username: john.username, role: 'customer', typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 });

      it('accepts a token forged the same way with the right secret (the control for the cases below)', async () => {
        const show = await newShow(3);
        const res = await api.book(signJwt(claims(), DEVELOPMENT_JWT_SECRET), show.id, 1).expect(201);
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
        const res = await expectUnchanged(ctx.db.pool, () => api.book(token(), show.id, 1));
        expectProblem(res, 401);
      });

      it('a non-Bearer scheme', async () => {
        const show = await newShow(3);
        const res = await expectUnchanged(ctx.db.pool, () => api.book(undefined, show.id, 1, { headers: { Authorization: `Basic ${john.access}` } }));
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
        const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, { body }));
        const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(problem.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      });

      it('a body that is not a JSON object (array, number, string, null)', async () => {
        const show = await newShow(3);
        for (const raw of ['[1]', '1', '"1"', 'null']) {
          const res = await expectUnchanged(ctx.db.pool, () =>
            ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).set('Content-Type', 'application/json').send(raw),
          );
          expectProblem(res, 400, 'VALIDATION_FAILED');
        }
      });

      it('malformed JSON is a 400 problem, not a 500', async () => {
        const show = await newShow(3);
        const res = await expectUnchanged(ctx.db.pool, () =>
          ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).set('Content-Type', 'application/json').send('{"seat_number": 1'),
        );
        expectProblem(res, 400);
      });

      it('a show id that is not a positive integer', async () => {
        for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
          const res = await expectUnchanged(ctx.db.pool, () => api.book(john, id, 1));
          expectProblem(res, 400, 'VALIDATION_FAILED');
        }
      });
    });

    describe('400 SEAT_OUT_OF_RANGE for n < 1 or n > total_seats', () => {
      it.each([0, -1, 11, 2001, 2147483648, 99999999999, -99999999999, 1e20])('seat %p of a 10-seat show', async (seat) => {
        const show = await newShow(10);
        const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, seat));
        expect(expectProblem(res, 400, 'SEAT_OUT_OF_RANGE')).toMatchObject({ seats: [seat] });
      });
    });

    it('404 SHOW_NOT_FOUND for a show that does not exist', async () => {
      const res = await expectUnchanged(ctx.db.pool, () => api.book(john, 2_147_483_647, 1));
      expectProblem(res, 404, 'SHOW_NOT_FOUND');
    });

    it('409 SEAT_TAKEN whoever holds the seat, the caller included; the body lists the seat and the first booking stays', async () => {
      const show = await newShow(4);
      const first = await api.book(john, show.id, 2).expect(201);
      for (const caller of [jane, john, admin]) {
        const res = await expectUnchanged(ctx.db.pool, () => api.book(caller, show.id, 2));
        expect(expectProblem(res, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [2] });
      }
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([first.body]);
    });

    it('409 SHOW_FULL when every seat is booked, for any seat asked for', async () => {
      const show = await newShow(3);
      await api.book(john, show.id, [1, 2, 3]).expect(201);
      for (const seat of [1, 3]) {
        const res = await expectUnchanged(ctx.db.pool, () => api.book(jane, show.id, seat));
        expectProblem(res, 409, 'SHOW_FULL');
      }
      const after = await api.show(show.id).expect(200);
      expect(after.body.available_seats).toBe(0);
    });

    it('409 SHOW_STARTED once the clock passes the show start; until then the seat is bookable', async () => {
      const show = await newShow(5);
      const start = Date.parse(show.date_time);
      clock.set(new Date(start - 1));
      await api.book(john, show.id, 1).expect(201);
      clock.set(new Date(start + 60_000));
      const res = await expectUnchanged(ctx.db.pool, () => api.book(jane, show.id, 2));
      expectProblem(res, 409, 'SHOW_STARTED');
    });
  });
});
