import { bearer, createMovie, createShow, CustomerWorld, customerWorld, unique } from './factories';
import { expectProblem, invalidFields, ISO_UTC } from './support/problem';

const MINUTE = 60_000;
/** A fixed point well in the future, so shows never start during the run. */
const BASE = Date.parse('2031-03-01T18:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * MINUTE).toISOString();

describe('catalogue (e2e)', () => {
  let { ctx, admin, customer } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, admin, customer } = await customerWorld());
  });

  afterAll(() => ctx?.teardown());

  const asAdmin = {
    post: (path: string, body: unknown) => ctx.http().post(path).set(bearer(admin)).send(body as object),
    patch: (path: string, body: unknown) => ctx.http().patch(path).set(bearer(admin)).send(body as object),
    delete: (path: string) => ctx.http().delete(path).set(bearer(admin)),
  };
  const book = (showId: number, seat: number, user = customer) =>
    ctx.http().post(`/shows/${showId}/book/`).set(bearer(user.access)).send({ seat_number: seat });
  const movieRow = async (id: number) =>
    (await ctx.db.pool.query('SELECT title, duration_minutes FROM movies WHERE id = $1', [id])).rows[0];

  describe('reading movies', () => {
    const tag = `tag${unique()}`;
    const titles = [`${tag} Alpha`, `${tag} Beta`, `${tag} Gamma`, `${tag} Delta`, `${tag} Epsilon`];
    let created: { id: number; title: string; duration_minutes: number }[];

    beforeAll(async () => {
      created = [];
      for (const [i, title] of titles.entries()) created.push(await createMovie(ctx.http, admin, { title, duration_minutes: 90 + i }));
    });

    it('lists movies as {id, title, duration_minutes} with X-Total-Count, without a token', async () => {
      const res = await ctx.http().get(`/movies/?search=${tag}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(created);
      expect(res.headers['x-total-count']).toBe('5');
    });

    it('shows one movie by id', async () => {
      const res = await ctx.http().get(`/movies/${created[2].id}/`).expect(200);
      expect(res.body).toEqual(created[2]);
    });

    it('answers 404 MOVIE_NOT_FOUND for an unknown id', async () => {
      expectProblem(await ctx.http().get('/movies/2147483647/'), 404, 'MOVIE_NOT_FOUND');
    });

    it('pages with limit and offset, and X-Total-Count stays the full count', async () => {
      const first = await ctx.http().get(`/movies/?search=${tag}&limit=2`).expect(200);
      expect(first.body).toEqual(created.slice(0, 2));
      expect(first.headers['x-total-count']).toBe('5');
      const second = await ctx.http().get(`/movies/?search=${tag}&limit=2&offset=2`).expect(200);
      expect(second.body).toEqual(created.slice(2, 4));
      const last = await ctx.http().get(`/movies/?search=${tag}&limit=2&offset=4`).expect(200);
      expect(last.body).toEqual(created.slice(4));
      const beyond = await ctx.http().get(`/movies/?search=${tag}&offset=10`).expect(200);
      expect(beyond.body).toEqual([]);
      expect(beyond.headers['x-total-count']).toBe('5');
    });

    it('returns 50 items by default and up to 200 on request', async () => {
      const bulk = `bulk${unique()}`;
      await ctx.db.pool.query(
        `INSERT INTO movies (title, duration_minutes) SELECT $1 || ' ' || n, 100 FROM generate_series(1, 205) AS n`,
        [bulk],
      );
      const byDefault = await ctx.http().get(`/movies/?search=${bulk}`).expect(200);
      expect(byDefault.body).toHaveLength(50);
      expect(byDefault.headers['x-total-count']).toBe('205');
      const max = await ctx.http().get(`/movies/?search=${bulk}&limit=200`).expect(200);
      expect(max.body).toHaveLength(200);
      const ids = max.body.map((m: { id: number }) => m.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it.each(['0', '201', '-1', 'abc', '1.5', '', '1e1', '0x10'])('rejects ?limit=%p with 400 VALIDATION_FAILED', async (limit) => {
      expect(invalidFields(await ctx.http().get(`/movies/?limit=${limit}`))).toEqual(['limit']);
    });

    it.each(['-1', 'abc', '1.5'])('rejects ?offset=%p with 400 VALIDATION_FAILED', async (offset) => {
      expect(invalidFields(await ctx.http().get(`/movies/?offset=${offset}`))).toEqual(['offset']);
    });

    it('searches titles by case-insensitive substring', async () => {
      const res = await ctx.http().get(`/movies/?search=${tag.toUpperCase()}%20bEtA`).expect(200);
      expect(res.body).toEqual([created[1]]);
      expect(res.headers['x-total-count']).toBe('1');
      const middle = await ctx.http().get(`/movies/?search=psilo`).expect(200);
      expect(middle.body).toEqual([created[4]]);
    });

    it('takes % and _ in a search literally', async () => {
      const s = unique();
      const percent = await createMovie(ctx.http, admin, { title: `${s} 100% Love` });
      await createMovie(ctx.http, admin, { title: `${s} 1000 Days` });
      const underscore = await createMovie(ctx.http, admin, { title: `${s} snake_case` });
      await createMovie(ctx.http, admin, { title: `${s} snakeXcase` });
      const backslash = await createMovie(ctx.http, admin, { title: `${s} back\\slash` });

      expect((await ctx.http().get('/movies/').query({ search: `${s} 100%` }).expect(200)).body).toEqual([percent]);
      expect((await ctx.http().get('/movies/').query({ search: `${s} snake_case` }).expect(200)).body).toEqual([underscore]);
      expect((await ctx.http().get('/movies/').query({ search: `${s} back\\` }).expect(200)).body).toEqual([backslash]);
      const onlyWildcard = await ctx.http().get('/movies/').query({ search: '%', limit: 200 }).expect(200);
      expect(onlyWildcard.body).toContainEqual(percent);
      for (const movie of onlyWildcard.body) expect(movie.title).toContain('%');
    });

    it('answers an empty list (not an error) for a search nothing matches', async () => {
      const res = await ctx.http().get(`/movies/?search=nothing-${unique()}`).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
    });

    it('rejects a search given twice with 400, not 500', async () => {
      expectProblem(await ctx.http().get('/movies/?search=a&search=b'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('movie administration', () => {
    it('creates a movie for an admin: 201 {id, title, duration_minutes}', async () => {
      const res = await asAdmin.post('/movies/', { title: 'The Matrix', duration_minutes: 136 }).expect(201);
      expect(res.body).toEqual({ id: expect.any(Number), title: 'The Matrix', duration_minutes: 136 });
      expect(await movieRow(res.body.id)).toEqual({ title: 'The Matrix', duration_minutes: 136 });
    });

    it('answers 403 FORBIDDEN to a customer and 401 without a token, creating nothing', async () => {
      const title = `Forbidden ${unique()}`;
      const forbidden = await ctx.http().post('/movies/').set(bearer(customer.access)).send({ title, duration_minutes: 90 });
      expectProblem(forbidden, 403, 'FORBIDDEN');
      const anonymous = await ctx.http().post('/movies/').send({ title, duration_minutes: 90 });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { rows } = await ctx.db.pool.query('SELECT 1 FROM movies WHERE title = $1', [title]);
      expect(rows).toHaveLength(0);
    });

    it('accepts the limits: a title of 1 and 200 characters, a duration of 1 and 600 minutes', async () => {
      await asAdmin.post('/movies/', { title: 'M', duration_minutes: 1 }).expect(201);
      const long = await asAdmin.post('/movies/', { title: 'T'.repeat(200), duration_minutes: 600 }).expect(201);
      expect(long.body.title).toHaveLength(200);
    });

    it.each([
      ['an empty title', { title: '', duration_minutes: 90 }, 'title'],
      ['a title of 201 characters', { title: 'T'.repeat(201), duration_minutes: 90 }, 'title'],
      ['a numeric title', { title: 42, duration_minutes: 90 }, 'title'],
      ['a missing title', { duration_minutes: 90 }, 'title'],
      ['a duration of 0', { title: 'X', duration_minutes: 0 }, 'duration_minutes'],
      ['a duration of 601', { title: 'X', duration_minutes: 601 }, 'duration_minutes'],
      ['a negative duration', { title: 'X', duration_minutes: -5 }, 'duration_minutes'],
      ['a duration as a string', { title: 'X', duration_minutes: '120' }, 'duration_minutes'],
      ['a fractional duration', { title: 'X', duration_minutes: 120.5 }, 'duration_minutes'],
      ['a boolean duration', { title: 'X', duration_minutes: true }, 'duration_minutes'],
      ['a missing duration', { title: 'X' }, 'duration_minutes'],
      ['an unknown field', { title: 'X', duration_minutes: 90, rating: 'R' }, 'rating'],
    ])('rejects %s with 400 VALIDATION_FAILED', async (_label, body, field) => {
      expect(invalidFields(await asAdmin.post('/movies/', body))).toEqual([field]);
    });

    it('rejects a title with a NUL character with 400, not 500', async () => {
      expectProblem(await asAdmin.post('/movies/', { title: 'Nul\u0000Title', duration_minutes: 90 }), 400, 'VALIDATION_FAILED');
    });

    it('stores and returns SQL and script text in titles verbatim', async () => {
      const titles = [
        "Robert'); DROP TABLE movies;--",
        '<script>alert("x")</script>',
        "' OR '1'='1",
        '$1 \\x00 %s {{title}} ${title}',
        'Amélie — 東京物語 🎬',
      ];
      for (const title of titles) {
        const created = await asAdmin.post('/movies/', { title, duration_minutes: 90 }).expect(201);
        expect(created.body.title).toBe(title);
        expect((await ctx.http().get(`/movies/${created.body.id}`).expect(200)).body.title).toBe(title);
        const found = await ctx.http().get('/movies/').query({ search: title }).expect(200);
        expect(found.body.map((m: { id: number }) => m.id)).toContain(created.body.id);
        expect(await movieRow(created.body.id)).toEqual({ title, duration_minutes: 90 });
      }
      const { rows } = await ctx.db.pool.query(`SELECT to_regclass('movies') IS NOT NULL AS present`);
      expect(rows[0].present).toBe(true);
    });

    it('updates a movie partially with PATCH', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Old title', duration_minutes: 100 });
      const renamed = await asAdmin.patch(`/movies/${movie.id}/`, { title: 'New title' }).expect(200);
      expect(renamed.body).toEqual({ id: movie.id, title: 'New title', duration_minutes: 100 });
      const longer = await asAdmin.patch(`/movies/${movie.id}`, { duration_minutes: 110 }).expect(200);
      expect(longer.body).toEqual({ id: movie.id, title: 'New title', duration_minutes: 110 });
      expect(await movieRow(movie.id)).toEqual({ title: 'New title', duration_minutes: 110 });
    });

    it.each([
      ['an empty body', {}],
      ['a duration as a string', { duration_minutes: '90' }],
      ['a fractional duration', { duration_minutes: 90.5 }],
      ['a duration over 600', { duration_minutes: 601 }],
      ['an empty title', { title: '' }],
      ['a null title', { title: null }],
      ['a null duration', { duration_minutes: null }],
      ['an unknown field', { director: 'X' }],
    ])('rejects a PATCH with %s with 400 and changes nothing', async (_label, body) => {
      const movie = await createMovie(ctx.http, admin, { title: `Stable ${unique()}`, duration_minutes: 100 });
      expectProblem(await asAdmin.patch(`/movies/${movie.id}`, body), 400, 'VALIDATION_FAILED');
      expect(await movieRow(movie.id)).toEqual({ title: movie.title, duration_minutes: 100 });
    });

    it('answers PATCH and DELETE of an unknown movie with 404 MOVIE_NOT_FOUND', async () => {
      expectProblem(await asAdmin.patch('/movies/2147483647', { title: 'X' }), 404, 'MOVIE_NOT_FOUND');
      expectProblem(await asAdmin.delete('/movies/2147483647'), 404, 'MOVIE_NOT_FOUND');
    });

    it('keeps PATCH and DELETE to admins: 403 for a customer, 401 without a token', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Guarded', duration_minutes: 100 });
      expectProblem(await ctx.http().patch(`/movies/${movie.id}`).set(bearer(customer.access)).send({ title: 'X' }), 403, 'FORBIDDEN');
      expectProblem(await ctx.http().delete(`/movies/${movie.id}`).set(bearer(customer.access)), 403, 'FORBIDDEN');
      expect((await ctx.http().patch(`/movies/${movie.id}`).send({ title: 'X' })).status).toBe(401);
      expect((await ctx.http().delete(`/movies/${movie.id}`)).status).toBe(401);
      expect(await movieRow(movie.id)).toEqual({ title: 'Guarded', duration_minutes: 100 });
    });

    it('deletes a movie without shows: 204, then it is gone', async () => {
      const movie = await createMovie(ctx.http, admin);
      const res = await asAdmin.delete(`/movies/${movie.id}/`).expect(204);
      expect(res.text).toBe('');
      expectProblem(await ctx.http().get(`/movies/${movie.id}`), 404, 'MOVIE_NOT_FOUND');
      expectProblem(await asAdmin.delete(`/movies/${movie.id}`), 404, 'MOVIE_NOT_FOUND');
    });

    it('refuses to delete a movie while it has shows (409 MOVIE_HAS_SHOWS), and allows it once they are gone', async () => {
      const movie = await createMovie(ctx.http, admin);
      const show = await createShow(ctx.http, admin, movie.id);
      expectProblem(await asAdmin.delete(`/movies/${movie.id}`), 409, 'MOVIE_HAS_SHOWS');
      await ctx.http().get(`/movies/${movie.id}`).expect(200);
      await ctx.http().get(`/shows/${show.id}`).expect(200);
      await asAdmin.delete(`/shows/${show.id}`).expect(204);
      await asAdmin.delete(`/movies/${movie.id}`).expect(204);
    });
  });

  describe('shows of a movie', () => {
    it('creates a show: 201 with the show, every seat available, date_time in UTC', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Show shape', duration_minutes: 100 });
      const screen = `Screen ${unique()}`;
      const res = await asAdmin
        .post(`/movies/${movie.id}/shows/`, { screen_name: screen, date_time: '2031-05-01T20:30:00+02:00', total_seats: 80 })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        movie_id: movie.id,
        movie_title: 'Show shape',
        screen_name: screen,
        date_time: '2031-05-01T18:30:00.000Z',
        total_seats: 80,
        available_seats: 80,
      });
      expect((await ctx.http().get(`/shows/${res.body.id}/`).expect(200)).body).toEqual(res.body);
      const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM seats WHERE show_id = $1', [res.body.id]);
      expect(rows[0].n).toBe(80);
    });

    it('lists the shows of a movie ordered by date_time, whatever order they were made in', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Ordered', duration_minutes: 60 });
      const screen = `Screen ${unique()}`;
      const late = await createShow(ctx.http, admin, movie.id, { screen_name: screen, date_time: at(600) });
      const early = await createShow(ctx.http, admin, movie.id, { screen_name: screen, date_time: at(0) });
      const middle = await createShow(ctx.http, admin, movie.id, { screen_name: `${screen}b`, date_time: at(300) });
      const res = await ctx.http().get(`/movies/${movie.id}/shows/`).expect(200);
      expect(res.body.map((s: { id: number }) => s.id)).toEqual([early.id, middle.id, late.id]);
      expect(res.headers['x-total-count']).toBe('3');
      for (const show of res.body) {
        expect(show).toEqual({
          id: expect.any(Number),
          movie_id: movie.id,
          movie_title: 'Ordered',
          screen_name: expect.any(String),
          date_time: expect.stringMatching(ISO_UTC),
          total_seats: 50,
          available_seats: 50,
        });
      }
      const paged = await ctx.http().get(`/movies/${movie.id}/shows?limit=1&offset=1`).expect(200);
      expect(paged.body.map((s: { id: number }) => s.id)).toEqual([middle.id]);
      expect(paged.headers['x-total-count']).toBe('3');
    });

    it('answers an empty list for a movie without shows, and 404 MOVIE_NOT_FOUND for an unknown movie', async () => {
      const movie = await createMovie(ctx.http, admin);
      const res = await ctx.http().get(`/movies/${movie.id}/shows`).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
      expectProblem(await ctx.http().get('/movies/2147483647/shows/'), 404, 'MOVIE_NOT_FOUND');
    });

    it('answers 404 MOVIE_NOT_FOUND when scheduling a show of an unknown movie', async () => {
      const res = await asAdmin.post('/movies/2147483647/shows/', { screen_name: 'S', date_time: at(0), total_seats: 10 });
      expectProblem(res, 404, 'MOVIE_NOT_FOUND');
    });

    it('keeps scheduling to admins: 403 for a customer, 401 without a token', async () => {
      const movie = await createMovie(ctx.http, admin);
      const body = { screen_name: `Screen ${unique()}`, date_time: at(0), total_seats: 10 };
      expectProblem(await ctx.http().post(`/movies/${movie.id}/shows`).set(bearer(customer.access)).send(body), 403, 'FORBIDDEN');
      expect((await ctx.http().post(`/movies/${movie.id}/shows`).send(body)).status).toBe(401);
      expect((await ctx.http().get(`/movies/${movie.id}/shows`).expect(200)).body).toEqual([]);
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
      ['an unknown field', { price: 10 }, 'price'],
    ])('rejects a show with %s: 400 VALIDATION_FAILED, nothing created', async (_label, overrides, field) => {
      const movie = await createMovie(ctx.http, admin);
      const body = { screen_name: `Screen ${unique()}`, date_time: at(0), total_seats: 10, ...overrides };
      expect(invalidFields(await asAdmin.post(`/movies/${movie.id}/shows/`, body))).toEqual([field]);
      expect((await ctx.http().get(`/movies/${movie.id}/shows`).expect(200)).body).toEqual([]);
    });

    it('rejects a screen name with a NUL character with 400, not 500', async () => {
      const movie = await createMovie(ctx.http, admin);
      const res = await asAdmin.post(`/movies/${movie.id}/shows/`, { screen_name: 'Screen\u00001', date_time: at(0), total_seats: 10 });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('screens do not double up', () => {
    let movie: { id: number };
    let screen: string;
    let anchor: { id: number };

    beforeEach(async () => {
      movie = await createMovie(ctx.http, admin, { duration_minutes: 120 });
      screen = `Screen ${unique()}`;
      anchor = await createShow(ctx.http, admin, movie.id, { screen_name: screen, date_time: at(0) });
    });

    const schedule = (date_time: string, screen_name = screen, movieId = movie.id) =>
      asAdmin.post(`/movies/${movieId}/shows/`, { screen_name, date_time, total_seats: 20 });
    const showsOnScreen = async () =>
      (await ctx.db.pool.query('SELECT id FROM shows WHERE screen_name = $1 ORDER BY date_time', [screen])).rows.map(
        (r: { id: number }) => r.id,
      );

    it.each([
      ['at the same time', 0],
      ['starting during it', 60],
      ['starting a minute before it ends', 119],
      ['ending during it', -60],
      ['ending a minute after it starts', -119],
    ])('answers 409 SCREEN_BUSY for a show on the same screen %s', async (_label, offset) => {
      expectProblem(await schedule(at(offset)), 409, 'SCREEN_BUSY');
      expect(await showsOnScreen()).toEqual([anchor.id]);
    });

    it('counts the other movie\'s duration: a long movie before blocks a show that starts inside it', async () => {
      const epic = await createMovie(ctx.http, admin, { duration_minutes: 240 });
      expectProblem(await schedule(at(-180), screen, epic.id), 409, 'SCREEN_BUSY');
    });

    it('accepts back-to-back shows that touch but do not overlap', async () => {
      const after = await schedule(at(120)).expect(201);
      const before = await schedule(at(-120)).expect(201);
      expect(await showsOnScreen()).toEqual([before.body.id, anchor.id, after.body.id]);
    });

    it('accepts the same time on another screen', async () => {
      await schedule(at(0), `${screen} (2)`).expect(201);
    });

    it('answers 409 SCREEN_BUSY when moving a show onto a busy slot, and keeps it where it was', async () => {
      const other = (await schedule(at(300)).expect(201)).body;
      expectProblem(await asAdmin.patch(`/shows/${other.id}/`, { date_time: at(30) }), 409, 'SCREEN_BUSY');
      expect((await ctx.http().get(`/shows/${other.id}`).expect(200)).body.date_time).toBe(at(300));

      const elsewhere = (await schedule(at(0), `${screen} (2)`).expect(201)).body;
      expectProblem(await asAdmin.patch(`/shows/${elsewhere.id}/`, { screen_name: screen }), 409, 'SCREEN_BUSY');
      expect((await ctx.http().get(`/shows/${elsewhere.id}`).expect(200)).body.screen_name).toBe(`${screen} (2)`);
    });

    it('answers 409 SCREEN_BUSY for a longer duration that would make two shows overlap, and changes nothing', async () => {
      const next = (await schedule(at(120)).expect(201)).body;
      const ends = async () =>
        (await ctx.db.pool.query('SELECT id, ends_at FROM shows WHERE movie_id = $1 ORDER BY id', [movie.id])).rows;
      const endsBefore = await ends();

      expectProblem(await asAdmin.patch(`/movies/${movie.id}`, { duration_minutes: 121 }), 409, 'SCREEN_BUSY');
      expect((await ctx.http().get(`/movies/${movie.id}`).expect(200)).body.duration_minutes).toBe(120);
      expect(await ends()).toEqual(endsBefore);

      expectProblem(await asAdmin.patch(`/movies/${movie.id}`, { title: 'Renamed', duration_minutes: 121 }), 409, 'SCREEN_BUSY');
      expect((await ctx.http().get(`/movies/${movie.id}`).expect(200)).body).toMatchObject({ duration_minutes: 120 });
      expect((await ctx.http().get(`/movies/${movie.id}`).expect(200)).body.title).not.toBe('Renamed');

      // A shorter one frees the screen earlier, and a show can then start right after.
      await asAdmin.patch(`/movies/${movie.id}`, { duration_minutes: 90 }).expect(200);
      await asAdmin.patch(`/shows/${next.id}`, { date_time: at(90) }).expect(200);
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
      const res = await asAdmin.patch(`/shows/${show.id}/`, { screen_name: screen, date_time: at(7200) }).expect(200);
      expect(res.body).toMatchObject({ id: show.id, movie_id: movie.id, screen_name: screen, date_time: at(7200), total_seats: 10 });
    });

    it('grows total_seats: the new seats can be booked and available_seats follows', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      await book(show.id, 3).expect(201);
      const grown = await asAdmin.patch(`/shows/${show.id}`, { total_seats: 20 }).expect(200);
      expect(grown.body).toMatchObject({ total_seats: 20, available_seats: 19 });
      await book(show.id, 20).expect(201);
      expect((await ctx.http().get(`/shows/${show.id}`).expect(200)).body).toMatchObject({ total_seats: 20, available_seats: 18 });
    });

    it('answers 409 SHOW_HAS_BOOKINGS when shrinking below a booked seat, and changes nothing', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      await book(show.id, 8).expect(201);
      expectProblem(await asAdmin.patch(`/shows/${show.id}`, { total_seats: 5 }), 409, 'SHOW_HAS_BOOKINGS');
      expect((await ctx.http().get(`/shows/${show.id}`).expect(200)).body).toMatchObject({ total_seats: 10, available_seats: 9 });

      // Down to the booked seat itself is fine; the seats above it are gone.
      const shrunk = await asAdmin.patch(`/shows/${show.id}`, { total_seats: 8 }).expect(200);
      expect(shrunk.body).toMatchObject({ total_seats: 8, available_seats: 7 });
      expectProblem(await book(show.id, 9), 400, 'SEAT_OUT_OF_RANGE');
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
      expectProblem(await asAdmin.patch(`/shows/${show.id}`, body), 400, 'VALIDATION_FAILED');
      expect((await ctx.http().get(`/shows/${show.id}`).expect(200)).body).toEqual(show);
    });

    it('answers 409 SHOW_HAS_BOOKINGS when deleting a show with an active booking, and 204 once it is cancelled', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      const booking = (await book(show.id, 1).expect(201)).body;
      expectProblem(await asAdmin.delete(`/shows/${show.id}/`), 409, 'SHOW_HAS_BOOKINGS');
      await ctx.http().get(`/shows/${show.id}`).expect(200);

      await ctx.http().post(`/bookings/${booking.id}/cancel/`).set(bearer(customer.access)).expect(200);
      const res = await asAdmin.delete(`/shows/${show.id}/`).expect(204);
      expect(res.text).toBe('');
      expectProblem(await ctx.http().get(`/shows/${show.id}`), 404, 'SHOW_NOT_FOUND');
      expectProblem(await asAdmin.delete(`/shows/${show.id}`), 404, 'SHOW_NOT_FOUND');
    });

    it('answers 404 SHOW_NOT_FOUND for an unknown show', async () => {
      expectProblem(await ctx.http().get('/shows/2147483647'), 404, 'SHOW_NOT_FOUND');
      expectProblem(await asAdmin.patch('/shows/2147483647', { total_seats: 5 }), 404, 'SHOW_NOT_FOUND');
      expectProblem(await asAdmin.delete('/shows/2147483647'), 404, 'SHOW_NOT_FOUND');
    });

    it('keeps PATCH and DELETE of shows to admins', async () => {
      const show = await createShow(ctx.http, admin, movie.id, { total_seats: 10 });
      expectProblem(await ctx.http().patch(`/shows/${show.id}`).set(bearer(customer.access)).send({ total_seats: 5 }), 403, 'FORBIDDEN');
      expectProblem(await ctx.http().delete(`/shows/${show.id}`).set(bearer(customer.access)), 403, 'FORBIDDEN');
      expect((await ctx.http().patch(`/shows/${show.id}`).send({ total_seats: 5 })).status).toBe(401);
      expect((await ctx.http().delete(`/shows/${show.id}`)).status).toBe(401);
      expect((await ctx.http().get(`/shows/${show.id}`).expect(200)).body).toEqual(show);
    });
  });

  describe('ids in paths', () => {
    const badIds = ['abc', '1.5', '0', '-1', '99999999999', '2147483648', '1e3', '0x1'];

    it.each(badIds)('answers GET /movies/%s with 400 VALIDATION_FAILED', async (id) => {
      expectProblem(await ctx.http().get(`/movies/${id}`), 400, 'VALIDATION_FAILED');
    });

    it.each(badIds)('answers GET /movies/%s/shows and GET /shows/<same id> with 400', async (id) => {
      expectProblem(await ctx.http().get(`/movies/${id}/shows`), 400, 'VALIDATION_FAILED');
      expectProblem(await ctx.http().get(`/shows/${id}`), 400, 'VALIDATION_FAILED');
    });

    it('answers admin writes to a bad id with 400, not 404 or 500', async () => {
      expectProblem(await asAdmin.patch('/movies/abc', { title: 'X' }), 400, 'VALIDATION_FAILED');
      expectProblem(await asAdmin.delete('/movies/1.5'), 400, 'VALIDATION_FAILED');
      expectProblem(await asAdmin.post('/movies/0/shows', { screen_name: 'S', date_time: at(0), total_seats: 1 }), 400, 'VALIDATION_FAILED');
      expectProblem(await asAdmin.patch('/shows/99999999999', { total_seats: 5 }), 400, 'VALIDATION_FAILED');
      expectProblem(await asAdmin.delete('/shows/-1'), 400, 'VALIDATION_FAILED');
    });

    it('answers the largest valid id that does not exist with 404', async () => {
      expectProblem(await ctx.http().get('/movies/2147483647'), 404, 'MOVIE_NOT_FOUND');
      expectProblem(await ctx.http().get('/shows/2147483647'), 404, 'SHOW_NOT_FOUND');
    });
  });
});
