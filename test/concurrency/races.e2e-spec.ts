import { BookingsService } from '../../src/bookings/bookings.service';
import { CrowdWorld, crowdWorld } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { outcome, tally } from '../support/answers';
import { bookingsOf, seatOwners } from '../support/db';
import { expectProblem } from '../support/problem';
import { range } from '../support/seats';

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('concurrency (e2e): real parallel HTTP requests against real PostgreSQL', () => {
  let { ctx, api, admin, users, newShow } = {} as CrowdWorld; // assigned in beforeAll
  const extraApps: TestApp[] = [];

  beforeAll(async () => {
    // 50 real users with tokens signed by the app itself; 100 argon2 runs through /signup/ and /login/ would cost ~13 s.
    ({ ctx, api, admin, users, newShow } = await crowdWorld(50));
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await Promise.all(extraApps.map((app) => app.close()));
    await ctx?.teardown();
  });

  /** Counts the attempts each request's handler makes: the retry interceptor re-runs BookingsService.book. */
  const countAttempts = (app: TestApp) => jest.spyOn(app.app.get(BookingsService), 'book');

  it('50 users racing for one seat: exactly one 201, 49 × 409 SEAT_TAKEN, one active booking', async () => {
    const show = await newShow(10);
    const attempts = countAttempts(ctx);

    const answers = await Promise.all(users.map((user) => api.book(user, show.id, 7)));

    expect(tally(answers)).toEqual({ '201': 1, '409 SEAT_TAKEN': 49 });
    for (const res of answers.filter((r) => r.status === 409)) expect(expectProblem(res, 409, 'SEAT_TAKEN')).toMatchObject({ seats: [7] });
    const winner = answers.find((r) => r.status === 201)!.body;
    expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([winner]);
    expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 7: winner.id });
    // Row locks queue the requests; none of them needed a retry.
    expect(attempts).toHaveBeenCalledTimes(50);
  });

  it('500 requests from 20 users over the 100 seats of a show: exactly 100 bookings, no seat twice, every 201 in the database', async () => {
    const show = await newShow(100);
    const bookers = users.slice(0, 20);
    // Every seat is asked for five times, in random order, so all 100 must end up sold.
    const seats = shuffle([1, 2, 3, 4, 5].flatMap(() => range(1, 100)));
    const attempts = countAttempts(ctx);

    const answers = await Promise.all(seats.map((seat, i) => api.book(bookers[i % 20], show.id, seat)));

    const counts = tally(answers);
    expect(counts['201']).toBe(100);
    expect(Object.keys(counts).filter((k) => !['201', '409 SEAT_TAKEN', '409 SHOW_FULL'].includes(k))).toEqual([]);
    answers.forEach((res, i) => {
      if (res.status === 409) expect(expectProblem(res, 409)).toMatchObject({ seats: [seats[i]] });
    });

    const created = answers.filter((r) => r.status === 201).map((r) => r.body);
    expect(created.map((b) => b.seat_number).sort((a, b) => a - b)).toEqual(range(1, 100));
    const rows = await bookingsOf(ctx.db.pool, show.id);
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.status === 'booked')).toBe(true);
    expect(new Set(rows.map((r) => r.seat_number)).size).toBe(100);
    expect(rows).toEqual(expect.arrayContaining(created));
    const owners = await seatOwners(ctx.db.pool, show.id);
    expect(Object.keys(owners)).toHaveLength(100);
    for (const booking of created) expect(owners[booking.seat_number]).toBe(booking.id);
    // Whoever got a seat is who asked for it.
    answers.forEach((res, i) => {
      if (res.status === 201) expect(res.body).toMatchObject({ user_id: bookers[i % 20].id, seat_number: seats[i] });
    });

    const after = await api.show(show.id).expect(200);
    expect(after.body.available_seats).toBe(0);
    expect(attempts).toHaveBeenCalledTimes(500);
  });

  it('overlapping multi-seat requests in any order: all or nothing, no seat twice, nothing re-run', async () => {
    const show = await newShow(30);
    const requests = range(0, 79).map((i) => ({
      user: users[i % users.length],
      seats: shuffle(range(1, 30)).slice(0, 2 + (i % 4)),
    }));
    const attempts = countAttempts(ctx);

    const answers = await Promise.all(requests.map(({ user, seats }) => api.book(user, show.id, seats)));

    const counts = tally(answers);
    expect(Object.keys(counts).filter((k) => !['201', '409 SEAT_TAKEN', '409 SHOW_FULL'].includes(k))).toEqual([]);
    expect(counts['201']).toBeGreaterThan(0);
    const owners = await seatOwners(ctx.db.pool, show.id);
    const rows = await bookingsOf(ctx.db.pool, show.id);
    const bookedSeats: number[] = [];
    answers.forEach((res, i) => {
      const { user, seats } = requests[i];
      if (res.status === 201) {
        // Every seat asked for, to this user, and nothing else.
        expect(res.body.map((b: { seat_number: number }) => b.seat_number).sort((a: number, b: number) => a - b)).toEqual(
          [...seats].sort((a, b) => a - b),
        );
        for (const booking of res.body) {
          expect(booking.user_id).toBe(user.id);
          expect(owners[booking.seat_number]).toBe(booking.id);
          bookedSeats.push(booking.seat_number);
        }
      } else {
        // A refusal names only requested seats, and each of them really is booked by another request.
        const named = expectProblem(res, 409).seats as number[];
        expect(named.length).toBeGreaterThan(0);
        for (const seat of named) {
          expect(seats).toContain(seat);
          expect(owners[seat]).toBeDefined();
        }
      }
    });
    expect(new Set(bookedSeats).size).toBe(bookedSeats.length);
    expect(rows).toHaveLength(bookedSeats.length);
    expect(Object.keys(owners)).toHaveLength(bookedSeats.length);
    // No request collided badly enough to be re-run (no deadlock, no lock timeout).
    expect(attempts).toHaveBeenCalledTimes(requests.length);
  });

  it('the owner and an admin cancelling one booking 20 times at once: one 200, the rest 409 ALREADY_CANCELLED', async () => {
    const show = await newShow(5);
    const owner = users[5];
    const booking = (await api.book(owner, show.id, 2).expect(201)).body;

    const answers = await Promise.all(
      range(1, 20).map((i) => api.cancel(i % 2 ? owner : admin, booking.id)),
    );

    expect(answers.map(outcome).sort()).toEqual([
      '200',
      ...Array.from({ length: 19 }, () => '409 ALREADY_CANCELLED'),
    ]);
    const cancelled = answers.find((r) => r.status === 200)!.body;
    expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([cancelled]);
    expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
  });

  it('cancels racing new bookings of the same seats: never two active bookings, and every seat points at its active booking', async () => {
    const show = await newShow(20);
    const seats = range(1, 20);
    const firsts = await Promise.all(seats.map((seat) => api.book(users[seat], show.id, seat).expect(201)));

    // For each seat at once: its owner cancels while two others try to book it.
    const answers = await Promise.all(
      seats.flatMap((seat, i) => [
        api.cancel(users[seat], firsts[i].body.id),
        api.book(users[seat + 20], show.id, seat),
        api.book(users[seat + 25], show.id, seat),
      ]),
    );

    const rows = await bookingsOf(ctx.db.pool, show.id);
    const owners = await seatOwners(ctx.db.pool, show.id);
    seats.forEach((seat, i) => {
      const [cancelAnswer, ...bookAnswers] = answers.slice(i * 3, i * 3 + 3);
      expect(cancelAnswer.status).toBe(200);
      const won = bookAnswers.filter((r) => r.status === 201);
      expect(won.length).toBeLessThanOrEqual(1);
      // SHOW_FULL is right too while every seat of the show was still booked.
      for (const lost of bookAnswers.filter((r) => r.status !== 201)) {
        expect(['SEAT_TAKEN', 'SHOW_FULL']).toContain(expectProblem(lost, 409).code);
      }
      const active = rows.filter((r) => r.seat_number === seat && r.status === 'booked');
      expect(active.map((r) => r.id)).toEqual(won.map((r) => r.body.id));
      expect(owners[seat]).toBe(won[0]?.body.id);
    });
  });

  it('two app instances on one database racing for the same seats: still no double booking, answers from both', async () => {
    const second = await startTestApp(ctx.db.url);
    extraApps.push(second);
    const instances = [ctx, second];
    const show = await newShow(40);
    const seats = shuffle([1, 2, 3, 4, 5].flatMap(() => range(1, 40)));
    const attempts = instances.map(countAttempts);

    const answers = await Promise.all(
      seats.map((seat, i) => api.book(users[i % users.length], show.id, seat, { via: instances[i % 2] })),
    );

    const byInstance = [0, 1].map((k) => tally(answers.filter((_, i) => i % 2 === k)));
    for (const counts of byInstance) {
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(100);
      expect(Object.keys(counts).filter((k) => !['201', '409 SEAT_TAKEN', '409 SHOW_FULL'].includes(k))).toEqual([]);
      // Both servers really sold seats: the race was between them, not inside one.
      expect(counts['201']).toBeGreaterThan(0);
    }
    expect(byInstance[0]['201'] + byInstance[1]['201']).toBe(40);
    attempts.forEach((spy) => expect(spy).toHaveBeenCalledTimes(100));

    const created = answers.filter((r) => r.status === 201).map((r) => r.body);
    expect(created.map((b) => b.seat_number).sort((a, b) => a - b)).toEqual(range(1, 40));
    const rows = await bookingsOf(ctx.db.pool, show.id);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.seat_number)).size).toBe(40);
    expect(rows).toEqual(expect.arrayContaining(created));
    expect((await api.show(show.id, { via: second }).expect(200)).body.available_seats).toBe(0);
  });
});
