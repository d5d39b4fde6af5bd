import { HoldExpiryScheduler } from '../../src/bookings/holds/hold-expiry.scheduler';
import { ManualClock } from '../../src/common/clock';
import { bearer, BookingWorld, bookingWorld } from '../factories';
import { expectProblem } from '../support/problem';

const HOLD_TTL_SECONDS = 60;

/** What the web app reads beyond the original contract: its own holds, its bookings of one show, a show's occupancy. */
describe('the API the web app reads (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS) } }));
    // Expiry must show without the sweeper having run.
    ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
  });

  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  const myHolds = (token: string, query: Record<string, string | number> = {}) => ctx.http().get('/my-holds/').query(query).set(bearer(token));

  describe('GET /my-holds/', () => {
    it('lists my holds that still keep their seats, soonest to expire first, with the count, for one show or all', async () => {
      const [first, second] = [await newShow(10), await newShow(10)];
      const a = (await api.hold(john, first.id, [1, 2]).expect(201)).body;
      clock.advance(1000);
      const b = (await api.hold(john, second.id, [5]).expect(201)).body;
      await api.hold(jane, first.id, [7]).expect(201);

      const all = await myHolds(john.access).expect(200);
      expect(all.body).toEqual([a, b]);
      expect(all.headers['x-total-count']).toBe('2');

      const one = await myHolds(john.access, { show_id: second.id }).expect(200);
      expect(one.body).toEqual([b]);
      expect(one.headers['x-total-count']).toBe('1');
    });

    it('leaves out holds that were confirmed, released or have expired (without the sweeper)', async () => {
      const show = await newShow(10);
      const confirmed = (await api.hold(john, show.id, [1]).expect(201)).body;
      await api.confirm(john, confirmed.id).expect(201);
      const released = (await api.hold(john, show.id, [2]).expect(201)).body;
      await api.release(john, released.id).expect(204);
      const kept = (await api.hold(john, show.id, [3]).expect(201)).body;
      expect((await myHolds(john.access, { show_id: show.id }).expect(200)).body).toEqual([kept]);

      clock.advance(HOLD_TTL_SECONDS * 1000);
      const after = await myHolds(john.access, { show_id: show.id }).expect(200);
      expect(after.body).toEqual([]);
      expect(after.headers['x-total-count']).toBe('0');
    });

    it('needs a token, and refuses a show_id that is not an id', async () => {
      expectProblem(await ctx.http().get('/my-holds/'), 401);
      for (const bad of ['0', 'abc', '1.5', '0x10', '-1']) expectProblem(await myHolds(john.access, { show_id: bad }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /my-bookings/?show_id=', () => {
    it('narrows my bookings to one show, with its count, and combines with status', async () => {
      const [first, second] = [await newShow(10), await newShow(10)];
      const [one, two] = (await api.book(john, first.id, [1, 2]).expect(201)).body as { id: number }[];
      await api.book(john, second.id, 3).expect(201);
      await api.book(jane, first.id, 4).expect(201);
      await api.cancel(john, two.id).expect(200);

      const mine = await api.myBookings(john, { show_id: first.id }).expect(200);
      expect(mine.body.map((b: { id: number }) => b.id).sort()).toEqual([one.id, two.id].sort());
      expect(mine.headers['x-total-count']).toBe('2');
      const booked = await api.myBookings(john, { show_id: first.id, status: 'booked' }).expect(200);
      expect(booked.body.map((b: { id: number }) => b.id)).toEqual([one.id]);
      expect(booked.headers['x-total-count']).toBe('1');
      expectProblem(await api.myBookings(john, { show_id: 'x' }), 400, 'VALIDATION_FAILED');
    });
  });

  describe("a show's occupancy", () => {
    it('says how many seats are booked, held and available, in every view of the show, and an expired hold stops counting', async () => {
      const show = await newShow(20);
      await api.book(john, show.id, [1, 2, 3]).expect(201);
      await api.hold(jane, show.id, [10, 11]).expect(201);

      const expected = { total_seats: 20, booked_seats: 3, held_seats: 2, available_seats: 15 };
      expect((await api.show(show.id).expect(200)).body).toMatchObject(expected);
      const listed = (await api.movieShows(show.movie_id).expect(200)).body.find((s: { id: number }) => s.id === show.id);
      expect(listed).toMatchObject(expected);

      clock.advance(HOLD_TTL_SECONDS * 1000);
      expect((await api.show(show.id).expect(200)).body).toMatchObject({ booked_seats: 3, held_seats: 0, available_seats: 17 });
      // What the admin changes answers with carries the counts too.
      const moved = await api.updateShow(admin, show.id, { screen_name: `${show.screen_name} (moved)`, notify_customers: true }).expect(200);
      expect(moved.body).toMatchObject({ booked_seats: 3, held_seats: 0, available_seats: 17 });
    });
  });
});
