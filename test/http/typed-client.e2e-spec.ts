import createClient from 'openapi-fetch';
import type { paths } from '../../openapi/schema';
import { setupE2e } from '../setup/test-app';
import { adminToken, createMovie, createShow, unique } from '../factories';

/**
 * A client generated from the OpenAPI document (openapi-typescript types,
 * openapi-fetch) books seats with no casts: the document is enough to call
 * the API correctly, and the compiler checks every call and every answer's
 * use here. The web front end uses the same types.
 */
describe('the API through the client generated from its OpenAPI document (e2e)', () => {
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  let showId: number;

  beforeAll(async () => {
    ctx = await setupE2e();
    const admin = await adminToken(ctx.http);
    showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin, { title: 'Typed Premiere' })).id, { total_seats: 20 })).id;
  });
  afterAll(() => ctx?.teardown());

  it('signs up, logs in, finds a show, holds and confirms two seats, books one more, lists and cancels', async () => {
    const api = createClient<paths>({ baseUrl: ctx.url });
    const username = `typed_${unique()}`;
    const signup = await api.POST('/signup', { body: { username, email: `${username}@example.com`, password: 'password123' } });
    expect(signup.response.status).toBe(201);
    expect(signup.data?.username).toBe(username);

    const login = await api.POST('/login', { body: { username, password: 'password123' } });
    const access = login.data?.access ?? '';
    expect(access).toMatch(/^ey/);
    const headers = { Authorization: `Bearer ${access}` };

    const movies = await api.GET('/movies', { params: { query: { search: 'Typed', limit: 10 } } });
    expect(movies.data?.map((m) => m.title)).toEqual(['Typed Premiere']);
    expect(movies.response.headers.get('x-total-count')).toBe('1');
    const shows = await api.GET('/movies/{id}/shows', { params: { path: { id: movies.data?.[0]?.id ?? 0 } } });
    expect(shows.data?.[0]?.id).toBe(showId);

    const hold = await api.POST('/shows/{id}/holds', { params: { path: { id: showId } }, body: { seat_numbers: [3, 4] }, headers });
    expect(hold.data?.seat_numbers).toEqual([3, 4]);
    const confirmed = await api.POST('/holds/{id}/confirm', { params: { path: { id: hold.data?.id ?? 0 } }, headers });
    expect(confirmed.data?.map((b) => b.seat_number)).toEqual([3, 4]);

    const one = await api.POST('/shows/{id}/book', { params: { path: { id: showId } }, body: { seat_number: 7 }, headers });
    const booking = one.data && !Array.isArray(one.data) ? one.data : undefined;
    expect(booking?.status).toBe('booked');

    const taken = await api.POST('/shows/{id}/book', { params: { path: { id: showId } }, body: { seat_numbers: [7, 8] }, headers });
    expect(taken.error?.code).toBe('SEAT_TAKEN');
    expect(taken.error?.seats).toEqual([7]);

    const map = await api.GET('/shows/{id}/seats', { params: { path: { id: showId } } });
    expect(map.data?.seats.filter((s) => s.status === 'booked').map((s) => s.seat_number)).toEqual([3, 4, 7]);

    const mine = await api.GET('/my-bookings', { params: { query: { status: 'booked' } }, headers });
    expect(mine.data?.map((b) => b.seat_number).sort()).toEqual([3, 4, 7]);
    expect(mine.data?.[0]?.movie_title).toBe('Typed Premiere');

    const cancelled = await api.POST('/bookings/{id}/cancel', { params: { path: { id: booking?.id ?? 0 } }, headers });
    expect(cancelled.data?.status).toBe('cancelled');
    const me = await api.GET('/me', { headers });
    expect(me.data?.role).toBe('customer');
  });
});
