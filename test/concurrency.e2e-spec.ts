import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BookingsService } from '../src/bookings/bookings.service';
import { bearer, CrowdWorld, crowdWorld, Customer } from './factories';
import { startTestApp, TestApp } from './setup/test-app';
import { outcome, tally } from './support/answers';
import { bookingsOf, seatOwners } from './support/db';
import { expectProblem } from './support/problem';
import { range } from './support/seats';
import { isBlockingSomeone, waitFor } from './support/wait';

type Http = TestApp['http'];

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const bookOn = (http: Http, user: Customer, showId: number, body: object) =>
  http().post(`/shows/${showId}/book/`).set(bearer(user.access)).send(body);

describe('concurrency (e2e): real parallel HTTP requests against real PostgreSQL', () => {
  let { ctx, admin, users, newShow } = {} as CrowdWorld; // assigned in beforeAll
  const extraApps: TestApp[] = [];

  beforeAll(async () => {
    // 50 real users with tokens signed by the app itself; 100 argon2 runs through /signup/ and /login/ would cost ~13 s.
    ({ ctx, admin, users, newShow } = await crowdWorld(50));
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

    const answers = await Promise.all(users.map((user) => bookOn(ctx.http, user, show.id, { seat_number: 7 })));

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

    const answers = await Promise.all(seats.map((seat, i) => bookOn(ctx.http, bookers[i % 20], show.id, { seat_number: seat })));

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

    const after = await ctx.http().get(`/shows/${show.id}`).expect(200);
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

    const answers = await Promise.all(requests.map(({ user, seats }) => bookOn(ctx.http, user, show.id, { seat_numbers: seats })));

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
    const booking = (await bookOn(ctx.http, owner, show.id, { seat_number: 2 }).expect(201)).body;

    const answers = await Promise.all(
      range(1, 20).map((i) => ctx.http().post(`/bookings/${booking.id}/cancel/`).set(bearer(i % 2 ? owner.access : admin))),
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
    const firsts = await Promise.all(seats.map((seat) => bookOn(ctx.http, users[seat], show.id, { seat_number: seat }).expect(201)));

    // For each seat at once: its owner cancels while two others try to book it.
    const answers = await Promise.all(
      seats.flatMap((seat, i) => [
        ctx.http().post(`/bookings/${firsts[i].body.id}/cancel/`).set(bearer(users[seat].access)),
        bookOn(ctx.http, users[seat + 20], show.id, { seat_number: seat }),
        bookOn(ctx.http, users[seat + 25], show.id, { seat_number: seat }),
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
      seats.map((seat, i) => bookOn(instances[i % 2].http, users[i % users.length], show.id, { seat_number: seat })),
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
    expect((await second.http().get(`/shows/${show.id}`).expect(200)).body.available_seats).toBe(0);
  });

  describe('the retry interceptor against real lock conflicts', () => {
    let client: Client;
    let pid: number;

    beforeEach(async () => {
      client = new Client({ connectionString: ctx.db.url });
      await client.connect();
      pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    });

    afterEach(async () => {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    });

    const lockSeat = (showId: number, seat: number) =>
      client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = $2 FOR UPDATE', [showId, seat]);

    /**
     * One deadlock between this test's transaction and a booking request:
     * we lock seat 2, the handler locks seat 1 and queues for seat 2, we ask for
     * seat 1. PostgreSQL aborts one side; either way the request must end 201.
     */
    async function deadlockRound(user: Customer) {
      const show = await newShow(5);
      const attempts = countAttempts(ctx);
      try {
        await client.query('BEGIN');
        await lockSeat(show.id, 2);
        const answer = bookOn(ctx.http, user, show.id, { seat_numbers: [1, 2] }).then((res) => res);
        await waitFor('the handler to wait for seat 2', () => isBlockingSomeone(ctx.db.pool, pid));

        const ours = await lockSeat(show.id, 1).then(
          () => undefined,
          (error: { code?: string }) => error,
        );
        if (ours) {
          // We were the victim: our transaction is dead, the handler goes on once we roll back.
          expect(ours.code).toBe('40P01');
          await client.query('ROLLBACK');
        } else {
          // The handler was the victim and released seat 1; its retry queues behind us again.
          await waitFor('the retried handler to wait for our locks', async () => attempts.mock.calls.length >= 2 && isBlockingSomeone(ctx.db.pool, pid));
          await client.query('COMMIT');
        }

        const res = await answer;
        expect(res.status).toBe(201);
        const bySeat = Object.fromEntries(res.body.map((b: { seat_number: number; id: number }) => [b.seat_number, b.id]));
        expect(Object.keys(bySeat)).toEqual(['1', '2']);
        expect(await seatOwners(ctx.db.pool, show.id)).toEqual(bySeat);
        expect((await bookingsOf(ctx.db.pool, show.id)).map((r) => [r.user_id, r.seat_number, r.status])).toEqual([
          [user.id, 1, 'booked'],
          [user.id, 2, 'booked'],
        ]);
        return { victim: ours ? ('test' as const) : ('handler' as const), attempts: attempts.mock.calls.length };
      } finally {
        attempts.mockRestore();
      }
    }

    it('retries a real deadlock (40P01) and the request ends 201 with both seats', async () => {
      const warnings = jest.spyOn(Logger.prototype, 'warn');
      // PostgreSQL checks a waiting session for deadlocks once, deadlock_timeout after it started
      // waiting: the app's sessions after the default 1 s, this one after 2 s. The handler waits
      // first, so it is the victim whenever we ask for seat 1 within that second; on a machine
      // too loaded for that we are the victim instead, and the round is run again.
      await client.query(`SET deadlock_timeout = '2s'`);
      const rounds: { victim: 'test' | 'handler'; attempts: number }[] = [];
      while (rounds.length < 3 && rounds.at(-1)?.victim !== 'handler') rounds.push(await deadlockRound(users[rounds.length]));

      const last = rounds.at(-1)!;
      expect(last).toEqual({ victim: 'handler', attempts: 2 });
      rounds.filter((r) => r.victim === 'test').forEach((r) => expect(r.attempts).toBe(1));
      const retries = warnings.mock.calls.map(([message]) => String(message)).filter((m) => m.startsWith('retrying'));
      expect(retries).toEqual([expect.stringMatching(/BookingsController\.book after 40P01 \(attempt 1\)/)]);
    });

    it('locks the seats in seat order whatever order seat_numbers lists them in (why overlapping requests never deadlock)', async () => {
      const show = await newShow(5);
      await client.query('BEGIN');
      await lockSeat(show.id, 3);

      // Asked for 5, 3, 1: in seat order the handler takes 1, then queues on 3 and has not touched 5.
      const answer = bookOn(ctx.http, users[3], show.id, { seat_numbers: [5, 3, 1] }).then((res) => res);
      await waitFor('the handler to wait for seat 3', () => isBlockingSomeone(ctx.db.pool, pid));
      const lockedNow = async (seat: number) =>
        ctx.db.pool.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = $2 FOR UPDATE NOWAIT', [show.id, seat]).then(
          () => false,
          (error: { code?: string }) => {
            if (error.code === '55P03') return true;
            throw error;
          },
        );
      expect({ seat1: await lockedNow(1), seat5: await lockedNow(5) }).toEqual({ seat1: true, seat5: false });
      await client.query('ROLLBACK');

      const res = await answer;
      expect(res.status).toBe(201);
      expect(res.body.map((b: { seat_number: number }) => b.seat_number).sort()).toEqual([1, 3, 5]);
    });

    describe('with a short lock_timeout', () => {
      // The app sets lock_timeout=5000 in its pool options; a connection-string `options`
      // parameter overrides them in node-postgres, which keeps these cases to about a second.
      let shortLocks: TestApp;

      beforeAll(async () => {
        shortLocks = await startTestApp(`${ctx.db.url}?options=${encodeURIComponent('-c lock_timeout=500')}`);
        extraApps.push(shortLocks);
      });

      it('runs its sessions with lock_timeout 500ms (precondition for the cases below)', async () => {
        const [{ lock_timeout }] = await shortLocks.app.get(DataSource).query('SHOW lock_timeout');
        expect(lock_timeout).toBe('500ms');
      });

      it('gives up after 3 attempts of 55P03 with 503 LOCK_TIMEOUT, having booked nothing', async () => {
        const show = await newShow(5);
        const attempts = countAttempts(shortLocks);
        await client.query('BEGIN');
        await lockSeat(show.id, 3);

        const res = await bookOn(shortLocks.http, users[1], show.id, { seat_numbers: [1, 3] });

        expectProblem(res, 503, 'LOCK_TIMEOUT');
        expect(attempts).toHaveBeenCalledTimes(3);
        await client.query('ROLLBACK');
        expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
        expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
        // The seats were never taken: they book at once now the lock is gone.
        await bookOn(shortLocks.http, users[1], show.id, { seat_numbers: [1, 3] }).expect(201);
      });

      it('a lock that goes away between attempts: a retry books the seat (201)', async () => {
        const show = await newShow(5);
        const attempts = countAttempts(shortLocks);
        await client.query('BEGIN');
        await lockSeat(show.id, 4);

        const answer = bookOn(shortLocks.http, users[2], show.id, { seat_number: 4 }).then((res) => res);
        await waitFor('a retry to wait for our lock', async () => attempts.mock.calls.length >= 2 && isBlockingSomeone(ctx.db.pool, pid));
        await client.query('ROLLBACK');

        const res = await answer;
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ seat_number: 4, user_id: users[2].id });
        // Normally the second attempt; the third if this machine was too slow to let go within 500 ms.
        expect(attempts.mock.calls.length).toBeGreaterThanOrEqual(2);
        expect(attempts.mock.calls.length).toBeLessThanOrEqual(3);
        expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 4: res.body.id });
      });
    });
  });
});
