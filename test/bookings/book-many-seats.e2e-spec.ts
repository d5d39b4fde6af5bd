import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld } from '../factories';
import { expectNewBookings } from '../support/answers';
import { bookingsOf, expectUnchanged, seatOwners } from '../support/db';
import { expectProblem } from '../support/problem';

describe('bookings (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it; each test starts at the real now.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  describe('POST /shows/{id}/book/ with seat_numbers', () => {
    it('books several seats at once: 201 with an array of bookings, all in the database', async () => {
      const show = await newShow(10);
      const res = await api.book(john, show.id, [7, 2, 4]).expect(201);
      const bookings = expectNewBookings(res.body, { userId: john.id, showId: show.id, seats: [2, 4, 7], createdAt: clock.now().toISOString() });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual(expect.arrayContaining(bookings));
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: bookings[0].id, 4: bookings[1].id, 7: bookings[2].id });
    });

    it('a one-seat array is still answered with an array', async () => {
      const show = await newShow(3);
      const res = await api.book(john, show.id, [3]).expect(201);
      expect(res.body).toEqual([expect.objectContaining({ seat_number: 3, user_id: john.id })]);
    });

    it('books 10 seats, the most one request may ask for', async () => {
      const show = await newShow(10);
      const res = await api.book(john, show.id, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).expect(201);
      expect(res.body).toHaveLength(10);
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toHaveLength(10);
    });

    it('all or nothing: one taken seat makes it 409 SEAT_TAKEN listing only that seat, and none of the others is booked', async () => {
      const show = await newShow(10);
      const janes = await api.book(jane, show.id, 2).expect(201);
      const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, [1, 2, 3]));
      expect(expectProblem(res, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [2] });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([janes.body]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 2: janes.body.id });
    });

    it('409 lists exactly the unavailable seats when several are taken', async () => {
      const show = await newShow(10);
      await api.book(jane, show.id, [9, 4]).expect(201);
      const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, [9, 1, 4, 5]));
      const problem = expectProblem(res, 409, 'SEAT_TAKEN');
      expect([...(problem.seats as number[])].sort((a, b) => a - b)).toEqual([4, 9]);
      expect(Object.keys(await seatOwners(ctx.db.pool, show.id))).toEqual(['4', '9']);
    });

    it('one seat out of range makes it 400 SEAT_OUT_OF_RANGE and books none of the others', async () => {
      const show = await newShow(5);
      const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, [1, 6]));
      expect(expectProblem(res, 400, 'SEAT_OUT_OF_RANGE')).toMatchObject({ seats: [6] });
    });

    it('numbers far outside any show (and outside int4) are 400 SEAT_OUT_OF_RANGE too, never a 500', async () => {
      const show = await newShow(5);
      const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, [99999999999, 2, 0, 2147483648]));
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
      const res = await expectUnchanged(ctx.db.pool, () => api.book(john, show.id, { body }));
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });
});
