import { createMovie, createShow, CustomerWorld, customerWorld, unique } from '../factories';
import { expectProblem } from '../support/problem';

const MINUTE = 60_000;
/** A fixed point well in the future, so shows never start during the run. */
const BASE = Date.parse('2031-03-01T18:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * MINUTE).toISOString();

describe('catalogue (e2e)', () => {
  let { ctx, api, admin } = {} as CustomerWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin } = await customerWorld());
  });

  afterAll(() => ctx?.teardown());

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
      api.createShow(admin, movieId, { screen_name, date_time, total_seats: 20 });
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
      expectProblem(await api.updateShow(admin, other.id, { date_time: at(30) }), 409, 'SCREEN_BUSY');
      expect((await api.show(other.id).expect(200)).body.date_time).toBe(at(300));

      const elsewhere = (await schedule(at(0), `${screen} (2)`).expect(201)).body;
      expectProblem(await api.updateShow(admin, elsewhere.id, { screen_name: screen }), 409, 'SCREEN_BUSY');
      expect((await api.show(elsewhere.id).expect(200)).body.screen_name).toBe(`${screen} (2)`);
    });

    it('answers 409 SCREEN_BUSY for a longer duration that would make two shows overlap, and changes nothing', async () => {
      const next = (await schedule(at(120)).expect(201)).body;
      const ends = async () =>
        (await ctx.db.pool.query('SELECT id, ends_at FROM shows WHERE movie_id = $1 ORDER BY id', [movie.id])).rows;
      const endsBefore = await ends();

      expectProblem(await api.updateMovie(admin, movie.id, { duration_minutes: 121 }), 409, 'SCREEN_BUSY');
      expect((await api.movie(movie.id).expect(200)).body.duration_minutes).toBe(120);
      expect(await ends()).toEqual(endsBefore);

      expectProblem(await api.updateMovie(admin, movie.id, { title: 'Renamed', duration_minutes: 121 }), 409, 'SCREEN_BUSY');
      expect((await api.movie(movie.id).expect(200)).body).toMatchObject({ duration_minutes: 120 });
      expect((await api.movie(movie.id).expect(200)).body.title).not.toBe('Renamed');

      // A shorter one frees the screen earlier, and a show can then start right after.
      await api.updateMovie(admin, movie.id, { duration_minutes: 90 }).expect(200);
      await api.updateShow(admin, next.id, { date_time: at(90) }).expect(200);
    });
  });

  describe('ids in paths', () => {
    const badIds = ['abc', '1.5', '0', '-1', '99999999999', '2147483648', '1e3', '0x1'];

    it.each(badIds)('answers GET /movies/%s with 400 VALIDATION_FAILED', async (id) => {
      expectProblem(await api.movie(id), 400, 'VALIDATION_FAILED');
    });

    it.each(badIds)('answers GET /movies/%s/shows and GET /shows/<same id> with 400', async (id) => {
      expectProblem(await api.movieShows(id), 400, 'VALIDATION_FAILED');
      expectProblem(await api.show(id), 400, 'VALIDATION_FAILED');
    });

    it('answers admin writes to a bad id with 400, not 404 or 500', async () => {
      expectProblem(await api.updateMovie(admin, 'abc', { title: 'X' }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.deleteMovie(admin, '1.5'), 400, 'VALIDATION_FAILED');
      expectProblem(await api.createShow(admin, 0, { screen_name: 'S', date_time: at(0), total_seats: 1 }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.updateShow(admin, '99999999999', { total_seats: 5 }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.deleteShow(admin, -1), 400, 'VALIDATION_FAILED');
    });

    it('answers the largest valid id that does not exist with 404', async () => {
      expectProblem(await api.movie(2147483647), 404, 'MOVIE_NOT_FOUND');
      expectProblem(await api.show(2147483647), 404, 'SHOW_NOT_FOUND');
    });
  });
});
