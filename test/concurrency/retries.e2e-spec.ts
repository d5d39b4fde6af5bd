import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BookingsService } from '../../src/bookings/bookings.service';
import { CrowdWorld, crowdWorld, Customer } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { bookingsOf, seatOwners } from '../support/db';
import { expectProblem } from '../support/problem';
import { isBlockingSomeone, waitFor } from '../support/wait';

describe('concurrency (e2e): real parallel HTTP requests against real PostgreSQL', () => {
  let { ctx, api, users, newShow } = {} as CrowdWorld; // assigned in beforeAll
  const extraApps: TestApp[] = [];

  beforeAll(async () => {
    // A few customers with tokens signed by the app itself (no argon2 run for each).
    ({ ctx, api, users, newShow } = await crowdWorld(5));
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await Promise.all(extraApps.map((app) => app.close()));
    await ctx?.teardown();
  });

  /** Counts the attempts each request's handler makes: the retry interceptor re-runs BookingsService.book. */
  const countAttempts = (app: TestApp) => jest.spyOn(app.app.get(BookingsService), 'book');

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
        const answer = api.book(user, show.id, [1, 2]).then((res) => res);
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
      const answer = api.book(users[3], show.id, [5, 3, 1]).then((res) => res);
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

        const res = await api.book(users[1], show.id, [1, 3], { via: shortLocks });

        expectProblem(res, 503, 'LOCK_TIMEOUT');
        expect(attempts).toHaveBeenCalledTimes(3);
        await client.query('ROLLBACK');
        expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
        expect(await seatOwners(ctx.db.pool, show.id)).toEqual({});
        // The seats were never taken: they book at once now the lock is gone.
        await api.book(users[1], show.id, [1, 3], { via: shortLocks }).expect(201);
      });

      it('a lock that goes away between attempts: a retry books the seat (201)', async () => {
        const show = await newShow(5);
        const attempts = countAttempts(shortLocks);
        await client.query('BEGIN');
        await lockSeat(show.id, 4);

        const answer = api.book(users[2], show.id, 4, { via: shortLocks }).then((res) => res);
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
