import { createMovie, createShow, CustomerWorld, customerWorld, unique } from '../factories';
import { expectProblem, invalidFields, ISO_UTC } from '../support/problem';

const MINUTE = 60_000;
/** A fixed point well in the future, so shows never start during the run. */
const BASE = Date.parse('2031-03-01T18:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * MINUTE).toISOString();

describe('catalogue (e2e)', () => {
  let { ctx, api, admin, customer } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, customer } = await customerWorld());
  });

  afterAll(() => ctx?.teardown());

  describe('shows of a movie', () => {
    it('creates a show: 201 with the show, every seat available, date_time in UTC', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Show shape', duration_minutes: 100 });
      const screen = `Screen ${unique()}`;
      const res = await api
        .createShow(admin, movie.id, { screen_name: screen, date_time: '2031-05-01T20:30:00+02:00', total_seats: 80 })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        movie_id: movie.id,
        movie_title: 'Show shape',
        screen_id: expect.any(Number),
        screen_name: screen,
        date_time: '2031-05-01T18:30:00.000Z',
        // The cinema's time zone is UTC unless CINEMA_TIME_ZONE says otherwise (test/catalogue/whats-on.e2e-spec.ts).
        local_date_time: '2031-05-01T18:30:00+00:00',
        cinema: { id: 1, name: 'Cinema', time_zone: 'UTC' },
        total_seats: 80,
        available_seats: 80,
        booked_seats: 0,
        held_seats: 0,
        status: 'scheduled',
        cancelled_at: null,
        price: 0,
        prices_by_kind: {},
        currency: 'EUR',
      });
      expect((await api.show(res.body.id).expect(200)).body).toEqual(res.body);
      const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM seats WHERE show_id = $1', [res.body.id]);
      expect(rows[0].n).toBe(80);
    });

    it('lists the shows of a movie ordered by date_time, whatever order they were made in', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Ordered', duration_minutes: 60 });
      const screen = `Screen ${unique()}`;
      const late = await createShow(ctx.http, admin, movie.id, { screen_name: screen, date_time: at(600) });
      const early = await createShow(ctx.http, admin, movie.id, { screen_name: screen, date_time: at(0) });
      const middle = await createShow(ctx.http, admin, movie.id, { screen_name: `${screen}b`, date_time: at(300) });
      const res = await api.movieShows(movie.id).expect(200);
      expect(res.body.map((s: { id: number }) => s.id)).toEqual([early.id, middle.id, late.id]);
      expect(res.headers['x-total-count']).toBe('3');
      for (const show of res.body) {
        expect(show).toEqual({
          id: expect.any(Number),
          movie_id: movie.id,
          movie_title: 'Ordered',
          screen_id: expect.any(Number),
          screen_name: expect.any(String),
          date_time: expect.stringMatching(ISO_UTC),
          local_date_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/),
          cinema: { id: 1, name: 'Cinema', time_zone: 'UTC' },
          total_seats: 50,
          available_seats: 50,
          booked_seats: 0,
          held_seats: 0,
          status: 'scheduled',
          cancelled_at: null,
          price: 0,
          prices_by_kind: {},
          currency: 'EUR',
        });
      }
      const paged = await api.movieShows(movie.id, 'limit=1&offset=1').expect(200);
      expect(paged.body.map((s: { id: number }) => s.id)).toEqual([middle.id]);
      expect(paged.headers['x-total-count']).toBe('3');
    });

    it('answers an empty list for a movie without shows, and 404 MOVIE_NOT_FOUND for an unknown movie', async () => {
      const movie = await createMovie(ctx.http, admin);
      const res = await api.movieShows(movie.id).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
      expectProblem(await api.movieShows(2147483647), 404, 'MOVIE_NOT_FOUND');
    });

    it('answers 404 MOVIE_NOT_FOUND when scheduling a show of an unknown movie', async () => {
      const res = await api.createShow(admin, 2147483647, { screen_name: 'S', date_time: at(0), total_seats: 10 });
      expectProblem(res, 404, 'MOVIE_NOT_FOUND');
    });

    it('keeps scheduling to admins: 403 for a customer, 401 without a token', async () => {
      const movie = await createMovie(ctx.http, admin);
      const body = { screen_name: `Screen ${unique()}`, date_time: at(0), total_seats: 10 };
      expectProblem(await api.createShow(customer, movie.id, body), 403, 'FORBIDDEN');
      expect((await api.createShow(undefined, movie.id, body)).status).toBe(401);
      expect((await api.movieShows(movie.id).expect(200)).body).toEqual([]);
    });

    it('accepts 1 and 2000 seats', async () => {
      const movie = await createMovie(ctx.http, admin);
      expect((await createShow(ctx.http, admin, movie.id, { total_seats: 1 })).available_seats).toBe(1);
      expect((await createShow(ctx.http, admin, movie.id, { total_seats: 2000 })).available_seats).toBe(2000);
    });

    it.each([
      ['0 seats', { total_seats: 0 }, 'total_seats'],
      ['2001 seats', { total_seats: 2001 }, 'total_seats'],
      ['seats as a string', { total_seats: '10' }, 'total_seats'],
      ['fractional seats', { total_seats: 10.5 }, 'total_seats'],
      ['a date in the past', { date_time: '2020-01-01T10:00:00Z' }, 'date_time'],
      ['a date without a time zone', { date_time: '2031-06-01T10:00:00' }, 'date_time'],
      ['a date without a time', { date_time: '2031-06-01' }, 'date_time'],
      ['a date that is not a date', { date_time: 'next friday' }, 'date_time'],
      ['a date as a number', { date_time: Date.parse('2031-06-01T10:00:00Z') }, 'date_time'],
      ['an hour that does not exist', { date_time: '2031-06-01T25:00:00Z' }, 'date_time'],
      ['a day that does not exist', { date_time: '2031-02-30T10:00:00Z' }, 'date_time'],
      ['an empty screen name', { screen_name: '' }, 'screen_name'],
      ['a numeric screen name', { screen_name: 7 }, 'screen_name'],
      ['an unknown field', { ticket_price: 10 }, 'ticket_price'],
    ])('rejects a show with %s: 400 VALIDATION_FAILED, nothing created', async (_label, overrides, field) => {
      const movie = await createMovie(ctx.http, admin);
      const body = { screen_name: `Screen ${unique()}`, date_time: at(0), total_seats: 10, ...overrides };
      expect(invalidFields(await api.createShow(admin, movie.id, body))).toEqual([field]);
      expect((await api.movieShows(movie.id).expect(200)).body).toEqual([]);
    });

    it('rejects a screen name with a NUL character with 400, not 500', async () => {
      const movie = await createMovie(ctx.http, admin);
      const res = await api.createShow(admin, movie.id, { screen_name: 'Screen\u00001', date_time: at(0), total_seats: 10 });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('show administration', () => {
    let movie: { id: number };

    beforeAll(async () => {
      movie = await createMovie(ctx.http, admin, { duration_minutes: 100 });
    });

    it('updates a show with PATCH and answers with the whole show', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      const screen = `Screen ${unique()}`;
      const res = await api.updateShow(admin, show.id, { screen_name: screen, date_time: at(7200) }).expect(200);
      expect(res.body).toMatchObject({ id: show.id, movie_id: movie.id, screen_name: screen, date_time: at(7200), total_seats: 10 });
    });

    it('grows total_seats: the new seats can be booked and available_seats follows', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      await api.book(customer, show.id, 3).expect(201);
      const grown = await api.updateShow(admin, show.id, { total_seats: 20 }).expect(200);
      expect(grown.body).toMatchObject({ total_seats: 20, available_seats: 19 });
      await api.book(customer, show.id, 20).expect(201);
      expect((await api.show(show.id).expect(200)).body).toMatchObject({ total_seats: 20, available_seats: 18 });
    });

    it('answers 409 SHOW_HAS_BOOKINGS when shrinking below a booked seat, and changes nothing', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      await api.book(customer, show.id, 8).expect(201);
      expectProblem(await api.updateShow(admin, show.id, { total_seats: 5 }), 409, 'SHOW_HAS_BOOKINGS');
      expect((await api.show(show.id).expect(200)).body).toMatchObject({ total_seats: 10, available_seats: 9 });

      // Down to the booked seat itself is fine; the seats above it are gone.
      const shrunk = await api.updateShow(admin, show.id, { total_seats: 8 }).expect(200);
      expect(shrunk.body).toMatchObject({ total_seats: 8, available_seats: 7 });
      expectProblem(await api.book(customer, show.id, 9), 400, 'SEAT_OUT_OF_RANGE');
    });

    it.each([
      ['an empty body', {}],
      ['0 seats', { total_seats: 0 }],
      ['seats as a string', { total_seats: '12' }],
      ['a date in the past', { date_time: '2020-01-01T00:00:00Z' }],
      ['a date without a zone', { date_time: '2031-06-01T10:00:00' }],
      ['a null screen name', { screen_name: null }],
      ['an unknown field', { movie_id: 1 }],
    ])('rejects a PATCH with %s with 400 and changes nothing', async (_label, body) => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      expectProblem(await api.updateShow(admin, show.id, body), 400, 'VALIDATION_FAILED');
      expect((await api.show(show.id).expect(200)).body).toEqual(show);
    });

    it('answers 409 SHOW_HAS_BOOKINGS when deleting a show with an active booking, and 204 once it is cancelled', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      const booking = (await api.book(customer, show.id, 1).expect(201)).body;
      expectProblem(await api.deleteShow(admin, show.id), 409, 'SHOW_HAS_BOOKINGS');
      await api.show(show.id).expect(200);

      await api.cancel(customer, booking.id).expect(200);
      const res = await api.deleteShow(admin, show.id).expect(204);
      expect(res.text).toBe('');
      expectProblem(await api.show(show.id), 404, 'SHOW_NOT_FOUND');
      expectProblem(await api.deleteShow(admin, show.id), 404, 'SHOW_NOT_FOUND');
    });

    it('answers 404 SHOW_NOT_FOUND for an unknown show', async () => {
      expectProblem(await api.show(2147483647), 404, 'SHOW_NOT_FOUND');
      expectProblem(await api.updateShow(admin, 2147483647, { total_seats: 5 }), 404, 'SHOW_NOT_FOUND');
      expectProblem(await api.deleteShow(admin, 2147483647), 404, 'SHOW_NOT_FOUND');
    });

    it('keeps PATCH and DELETE of shows to admins', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      expectProblem(await api.updateShow(customer, show.id, { total_seats: 5 }), 403, 'FORBIDDEN');
      expectProblem(await api.deleteShow(customer, show.id), 403, 'FORBIDDEN');
      expect((await api.updateShow(undefined, show.id, { total_seats: 5 })).status).toBe(401);
      expect((await api.deleteShow(undefined, show.id)).status).toBe(401);
      expect((await api.show(show.id).expect(200)).body).toEqual(show);
    });
  });
});
