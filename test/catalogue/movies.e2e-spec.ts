import { bearer, createMovie, createShow, CustomerWorld, customerWorld, unique } from '../factories';
import { expectProblem, invalidFields } from '../support/problem';

describe('catalogue (e2e)', () => {
  let { ctx, api, admin, customer } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, customer } = await customerWorld());
  });

  afterAll(() => ctx?.teardown());

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
      const res = await api.movies(`search=${tag}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(created);
      expect(res.headers['x-total-count']).toBe('5');
    });

    it('shows one movie by id', async () => {
      const res = await api.movie(created[2].id).expect(200);
      expect(res.body).toEqual(created[2]);
    });

    it('answers 404 MOVIE_NOT_FOUND for an unknown id', async () => {
      expectProblem(await api.movie(2147483647), 404, 'MOVIE_NOT_FOUND');
    });

    it('pages with limit and offset, and X-Total-Count stays the full count', async () => {
      const first = await api.movies(`search=${tag}&limit=2`).expect(200);
      expect(first.body).toEqual(created.slice(0, 2));
      expect(first.headers['x-total-count']).toBe('5');
      const second = await api.movies(`search=${tag}&limit=2&offset=2`).expect(200);
      expect(second.body).toEqual(created.slice(2, 4));
      const last = await api.movies(`search=${tag}&limit=2&offset=4`).expect(200);
      expect(last.body).toEqual(created.slice(4));
      const beyond = await api.movies(`search=${tag}&offset=10`).expect(200);
      expect(beyond.body).toEqual([]);
      expect(beyond.headers['x-total-count']).toBe('5');
    });

    it('returns 50 items by default and up to 200 on request', async () => {
      const bulk = `bulk${unique()}`;
      await ctx.db.pool.query(
        `INSERT INTO movies (title, duration_minutes) SELECT $1 || ' ' || n, 100 FROM generate_series(1, 205) AS n`,
        [bulk],
      );
      const byDefault = await api.movies(`search=${bulk}`).expect(200);
      expect(byDefault.body).toHaveLength(50);
      expect(byDefault.headers['x-total-count']).toBe('205');
      const max = await api.movies(`search=${bulk}&limit=200`).expect(200);
      expect(max.body).toHaveLength(200);
      const ids = max.body.map((m: { id: number }) => m.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it.each(['0', '201', '-1', 'abc', '1.5', '', '1e1', '0x10'])('rejects ?limit=%p with 400 VALIDATION_FAILED', async (limit) => {
      expect(invalidFields(await api.movies(`limit=${limit}`))).toEqual(['limit']);
    });

    it.each(['-1', 'abc', '1.5'])('rejects ?offset=%p with 400 VALIDATION_FAILED', async (offset) => {
      expect(invalidFields(await api.movies(`offset=${offset}`))).toEqual(['offset']);
    });

    it('searches titles by case-insensitive substring', async () => {
      const res = await api.movies(`search=${tag.toUpperCase()}%20bEtA`).expect(200);
      expect(res.body).toEqual([created[1]]);
      expect(res.headers['x-total-count']).toBe('1');
      const middle = await api.movies('search=psilo').expect(200);
      expect(middle.body).toEqual([created[4]]);
    });

    it('takes % and _ in a search literally', async () => {
      const s = unique();
      const percent = await createMovie(ctx.http, admin, { title: `${s} 100% Love` });
      await createMovie(ctx.http, admin, { title: `${s} 1000 Days` });
      const underscore = await createMovie(ctx.http, admin, { title: `${s} snake_case` });
      await createMovie(ctx.http, admin, { title: `${s} snakeXcase` });
      const backslash = await createMovie(ctx.http, admin, { title: `${s} back\\slash` });

      expect((await api.movies({ search: `${s} 100%` }).expect(200)).body).toEqual([percent]);
      expect((await api.movies({ search: `${s} snake_case` }).expect(200)).body).toEqual([underscore]);
      expect((await api.movies({ search: `${s} back\\` }).expect(200)).body).toEqual([backslash]);
      const onlyWildcard = await api.movies({ search: '%', limit: 200 }).expect(200);
      expect(onlyWildcard.body).toContainEqual(percent);
      for (const movie of onlyWildcard.body) expect(movie.title).toContain('%');
    });

    it('answers an empty list (not an error) for a search nothing matches', async () => {
      const res = await api.movies(`search=nothing-${unique()}`).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe('0');
    });

    it('rejects a search given twice with 400, not 500', async () => {
      expectProblem(await api.movies('search=a&search=b'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('movie administration', () => {
    it('creates a movie for an admin: 201 {id, title, duration_minutes}', async () => {
      const res = await api.createMovie(admin, { title: 'The Matrix', duration_minutes: 136 }).expect(201);
      expect(res.body).toEqual({ id: expect.any(Number), title: 'The Matrix', duration_minutes: 136 });
      expect(await movieRow(res.body.id)).toEqual({ title: 'The Matrix', duration_minutes: 136 });
    });

    it('answers 403 FORBIDDEN to a customer and 401 without a token, creating nothing', async () => {
      const title = `Forbidden ${unique()}`;
      const forbidden = await api.createMovie(customer, { title, duration_minutes: 90 });
      expectProblem(forbidden, 403, 'FORBIDDEN');
      const anonymous = await api.createMovie(undefined, { title, duration_minutes: 90 });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { rows } = await ctx.db.pool.query('SELECT 1 FROM movies WHERE title = $1', [title]);
      expect(rows).toHaveLength(0);
    });

    it('accepts the limits: a title of 1 and 200 characters, a duration of 1 and 600 minutes', async () => {
      await api.createMovie(admin, { title: 'M', duration_minutes: 1 }).expect(201);
      const long = await api.createMovie(admin, { title: 'T'.repeat(200), duration_minutes: 600 }).expect(201);
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
      expect(invalidFields(await api.createMovie(admin, body))).toEqual([field]);
    });

    it('rejects a title with a NUL character with 400, not 500', async () => {
      expectProblem(await api.createMovie(admin, { title: 'Nul\u0000Title', duration_minutes: 90 }), 400, 'VALIDATION_FAILED');
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
        const created = await api.createMovie(admin, { title, duration_minutes: 90 }).expect(201);
        expect(created.body.title).toBe(title);
        expect((await api.movie(created.body.id).expect(200)).body.title).toBe(title);
        const found = await api.movies({ search: title }).expect(200);
        expect(found.body.map((m: { id: number }) => m.id)).toContain(created.body.id);
        expect(await movieRow(created.body.id)).toEqual({ title, duration_minutes: 90 });
      }
      const { rows } = await ctx.db.pool.query(`SELECT to_regclass('movies') IS NOT NULL AS present`);
      expect(rows[0].present).toBe(true);
    });

    it('updates a movie partially with PATCH', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Old title', duration_minutes: 100 });
      const renamed = await api.updateMovie(admin, movie.id, { title: 'New title' }).expect(200);
      expect(renamed.body).toEqual({ id: movie.id, title: 'New title', duration_minutes: 100 });
      const longer = await ctx.http().patch(`/movies/${movie.id}`).set(bearer(admin)).send({ duration_minutes: 110 }).expect(200);
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
      expectProblem(await api.updateMovie(admin, movie.id, body), 400, 'VALIDATION_FAILED');
      expect(await movieRow(movie.id)).toEqual({ title: movie.title, duration_minutes: 100 });
    });

    it('answers PATCH and DELETE of an unknown movie with 404 MOVIE_NOT_FOUND', async () => {
      expectProblem(await api.updateMovie(admin, 2147483647, { title: 'X' }), 404, 'MOVIE_NOT_FOUND');
      expectProblem(await api.deleteMovie(admin, 2147483647), 404, 'MOVIE_NOT_FOUND');
    });

    it('keeps PATCH and DELETE to admins: 403 for a customer, 401 without a token', async () => {
      const movie = await createMovie(ctx.http, admin, { title: 'Guarded', duration_minutes: 100 });
      expectProblem(await api.updateMovie(customer, movie.id, { title: 'X' }), 403, 'FORBIDDEN');
      expectProblem(await api.deleteMovie(customer, movie.id), 403, 'FORBIDDEN');
      expect((await api.updateMovie(undefined, movie.id, { title: 'X' })).status).toBe(401);
      expect((await api.deleteMovie(undefined, movie.id)).status).toBe(401);
      expect(await movieRow(movie.id)).toEqual({ title: 'Guarded', duration_minutes: 100 });
    });

    it('deletes a movie without shows: 204, then it is gone', async () => {
      const movie = await createMovie(ctx.http, admin);
      const res = await api.deleteMovie(admin, movie.id).expect(204);
      expect(res.text).toBe('');
      expectProblem(await api.movie(movie.id), 404, 'MOVIE_NOT_FOUND');
      expectProblem(await api.deleteMovie(admin, movie.id), 404, 'MOVIE_NOT_FOUND');
    });

    it('refuses to delete a movie while it has shows (409 MOVIE_HAS_SHOWS), and allows it once they are gone', async () => {
      const movie = await createMovie(ctx.http, admin);
      const show = await createShow(ctx.http, admin, movie.id);
      expectProblem(await api.deleteMovie(admin, movie.id), 409, 'MOVIE_HAS_SHOWS');
      await api.movie(movie.id).expect(200);
      await api.show(show.id).expect(200);
      await api.deleteShow(admin, show.id).expect(204);
      await api.deleteMovie(admin, movie.id).expect(204);
    });
  });
});
