import { ManualClock } from '../../src/common/clock';
import { bearer, BookingWorld, bookingWorld, createMovie, createShow, signupAndLogin, TestUser } from '../factories';
import { bookingById, bookingsOf, expectUnchanged, seatOwners } from '../support/db';
import { expectProblem, ISO_UTC } from '../support/problem';

describe('bookings (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, movieId, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, movieId, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it; each test starts at the real now.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  describe('GET /my-bookings/', () => {
    it('401 without a token', async () => {
      expectProblem(await api.myBookings(undefined), 401);
    });

    it("lists only the caller's bookings, newest first, with movie_title, screen_name, date_time; ?status filters; X-Total-Count counts", async () => {
      const mia = await signupAndLogin(ctx.http);
      const otherMovie = await createMovie(ctx.http, admin, { title: 'Second Feature' });
      const movie = (await api.movie(movieId).expect(200)).body;
      const showA = await newShow(10);
      const showB = await createShow(ctx.http, admin, otherMovie.id, { total_seats: 10 });

      const first = (await api.book(mia, showA.id, 1).expect(201)).body;
      clock.advance(1000);
      const second = (await api.book(mia, showB.id, 2).expect(201)).body;
      clock.advance(1000);
      const third = (await api.book(mia, showA.id, 5).expect(201)).body;
      clock.advance(1000);
      await api.book(jane, showA.id, 6).expect(201);
      const cancelled = (await api.cancel(mia, second.id).expect(200)).body;

      const listed = (b: typeof first, show: typeof showA, title: string) => ({
        ...b,
        movie_title: title,
        screen_name: show.screen_name,
        date_time: show.date_time,
        total_seats: show.total_seats,
        show_status: 'scheduled',
      });
      const all = await api.myBookings(mia).expect(200);
      expect(all.headers['x-total-count']).toBe('3');
      expect(all.body).toEqual([
        listed(third, showA, movie.title),
        listed(cancelled, showB, 'Second Feature'),
        listed(first, showA, movie.title),
      ]);

      const noSlash = await ctx.http().get('/my-bookings').set(bearer(mia.access)).expect(200);
      expect(noSlash.body).toEqual(all.body);

      const booked = await api.myBookings(mia, 'status=booked').expect(200);
      expect(booked.headers['x-total-count']).toBe('2');
      expect(booked.body.map((b: { id: number }) => b.id)).toEqual([third.id, first.id]);

      const onlyCancelled = await api.myBookings(mia, 'status=cancelled').expect(200);
      expect(onlyCancelled.headers['x-total-count']).toBe('1');
      expect(onlyCancelled.body).toEqual([listed(cancelled, showB, 'Second Feature')]);
      expect(onlyCancelled.body[0]).toMatchObject({ status: 'cancelled', cancelled_at: expect.stringMatching(ISO_UTC) });

      const page = await api.myBookings(mia, 'limit=1&offset=1').expect(200);
      expect(page.headers['x-total-count']).toBe('3');
      expect(page.body.map((b: { id: number }) => b.id)).toEqual([second.id]);
    });

    it('a new user has an empty list and X-Total-Count 0', async () => {
      const nobody = await signupAndLogin(ctx.http);
      const res = await api.myBookings(nobody).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
    });

    it.each(['status=active', 'status=', 'limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'user_id=1'])(
      '400 VALIDATION_FAILED for ?%s',
      async (query) => {
        const res = await api.myBookings(john, query);
        expectProblem(res, 400, 'VALIDATION_FAILED');
      },
    );
  });

  describe('POST /bookings/{id}/cancel/', () => {
    async function bookedSeat(owner: TestUser, seat = 1) {
      const show = await newShow(5);
      const booking = (await api.book(owner, show.id, seat).expect(201)).body;
      return { show, booking };
    }

    it('the owner cancels: 200 with status "cancelled" and cancelled_at set, the seat is freed in the database', async () => {
      const { show, booking } = await bookedSeat(john);
      clock.advance(5000);
      const res = await api.cancel(john, booking.id).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ ...booking, status: 'cancelled', cancelled_at: clock.now().toISOString() });
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(res.body);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
      expect((await api.show(show.id).expect(200)).body.available_seats).toBe(5);
    });

    it('works without the trailing slash too', async () => {
      const { booking } = await bookedSeat(john);
      const res = await ctx.http().post(`/bookings/${booking.id}/cancel`).set(bearer(john.access)).expect(200);
      expect(res.body.status).toBe('cancelled');
    });

    it('another user gets 403 NOT_BOOKING_OWNER and the booking stays booked', async () => {
      const { show, booking } = await bookedSeat(john);
      const res = await expectUnchanged(ctx.db.pool, () => api.cancel(jane, booking.id));
      expectProblem(res, 403, 'NOT_BOOKING_OWNER');
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(booking);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 1: booking.id });
    });

    it("an admin may cancel anyone's booking", async () => {
      const { show, booking } = await bookedSeat(jane);
      const res = await api.cancel(admin, booking.id).expect(200);
      expect(res.body).toMatchObject({ id: booking.id, user_id: jane.id, status: 'cancelled', cancelled_at: expect.stringMatching(ISO_UTC) });
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
    });

    it('404 BOOKING_NOT_FOUND for an unknown id', async () => {
      const res = await expectUnchanged(ctx.db.pool, () => api.cancel(john, 2_147_483_647));
      expectProblem(res, 404, 'BOOKING_NOT_FOUND');
    });

    it.each(['abc', '0', '-3', '1.5', '1e3', '99999999999'])('400 VALIDATION_FAILED for the id %p', async (id) => {
      const res = await expectUnchanged(ctx.db.pool, () => api.cancel(john, id));
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });

    it('401 without a token, and the booking stays', async () => {
      const { booking } = await bookedSeat(john);
      const res = await expectUnchanged(ctx.db.pool, () => api.cancel(undefined, booking.id));
      expectProblem(res, 401);
    });

    it('cancelling twice is 409 ALREADY_CANCELLED and keeps the first cancelled_at', async () => {
      const { booking } = await bookedSeat(john);
      const first = await api.cancel(john, booking.id).expect(200);
      clock.advance(60_000);
      const res = await expectUnchanged(ctx.db.pool, () => api.cancel(john, booking.id));
      expectProblem(res, 409, 'ALREADY_CANCELLED');
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(first.body);
      const byAdmin = await expectUnchanged(ctx.db.pool, () => api.cancel(admin, booking.id));
      expectProblem(byAdmin, 409, 'ALREADY_CANCELLED');
    });

    it('after the show started it is 409 SHOW_STARTED, for the owner and for an admin, and the booking stays', async () => {
      const { show, booking } = await bookedSeat(john);
      clock.set(new Date(Date.parse(show.date_time) + 1000));
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.cancel(john, booking.id)), 409, 'SHOW_STARTED');
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.cancel(admin, booking.id)), 409, 'SHOW_STARTED');
      expect(await bookingById(ctx.db.pool, booking.id)).toEqual(booking);
    });

    it('the cancelled seat can be booked again at once, by anyone, while the cancelled booking is kept', async () => {
      const { show, booking } = await bookedSeat(john, 3);
      await api.cancel(john, booking.id).expect(200);
      const again = await api.book(jane, show.id, 3).expect(201);
      expect(again.body).toMatchObject({ seat_number: 3, user_id: jane.id, status: 'booked' });
      expect(again.body.id).not.toBe(booking.id);
      const rows = await bookingsOf(ctx.db.pool, show.id);
      expect(rows.map((r) => [r.id, r.status])).toEqual([
        [booking.id, 'cancelled'],
        [again.body.id, 'booked'],
      ]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 3: again.body.id });
      // and the owner can take it back after the new holder lets it go
      await api.cancel(jane, again.body.id).expect(200);
      await api.book(john, show.id, 3).expect(201);
    });

    it('a full show has a free seat again after a cancel: SHOW_FULL turns into 201', async () => {
      const show = await newShow(2);
      const [, second] = (await api.book(john, show.id, [1, 2]).expect(201)).body;
      expectProblem(await api.book(jane, show.id, 2), 409, 'SHOW_FULL');
      await api.cancel(john, second.id).expect(200);
      await api.book(jane, show.id, 2).expect(201);
    });
  });
});
