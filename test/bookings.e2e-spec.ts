import { adminToken, bearer, createMovie, createShow, signupAndLogin, TestUser } from './factories';
import { setupE2e } from './setup/test-app';

describe('bookings (e2e)', () => {
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  let admin: string;
  let john: TestUser;
  let jane: TestUser;
  let movieId: number;

  beforeAll(async () => {
    ctx = await setupE2e();
    admin = await adminToken(ctx.http);
    [john, jane] = await Promise.all([signupAndLogin(ctx.http), signupAndLogin(ctx.http)]);
    movieId = (await createMovie(ctx.http, admin)).id;
  });

  afterAll(() => ctx?.teardown());

  it('books a free seat: 201 with the booking, and the seat is gone from available_seats', async () => {
    const show = await createShow(ctx.http, admin, movieId, { total_seats: 10 });
    const res = await ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).send({ seat_number: 3 }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      user_id: john.id,
      show_id: show.id,
      seat_number: 3,
      status: 'booked',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      cancelled_at: null,
    });
    const after = await ctx.http().get(`/shows/${show.id}`).expect(200);
    expect(after.body.available_seats).toBe(9);
  });

  it('answers 409 SEAT_TAKEN for a seat someone already booked, and 409 SHOW_FULL once every seat is gone', async () => {
    const show = await createShow(ctx.http, admin, movieId, { total_seats: 2 });
    await ctx.http().post(`/shows/${show.id}/book`).set(bearer(john.access)).send({ seat_number: 1 }).expect(201);
    const taken = await ctx.http().post(`/shows/${show.id}/book`).set(bearer(jane.access)).send({ seat_number: 1 }).expect(409);
    expect(taken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(taken.body).toMatchObject({ status: 409, code: 'SEAT_TAKEN', seats: [1] });
    await ctx.http().post(`/shows/${show.id}/book`).set(bearer(jane.access)).send({ seat_number: 2 }).expect(201);
    const full = await ctx.http().post(`/shows/${show.id}/book`).set(bearer(jane.access)).send({ seat_number: 2 }).expect(409);
    expect(full.body.code).toBe('SHOW_FULL');
  });
});
