import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { BookingsService } from '../../src/bookings/bookings.service';
import { ManualClock } from '../../src/common/clock';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { BookingWorld, bookingWorld } from '../factories';
import { startTestApp, TestApp } from '../setup/test-app';
import { bookingSummariesOf, storedKeys } from '../support/db';
import { expectReplayOf, newKey, REPLAYED } from '../support/idempotency';
import { expectProblem } from '../support/problem';
import { isBlockingSomeone, waitFor } from '../support/wait';

describe('idempotency keys (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  describe('duplicates that arrive together', () => {
    /** 20 identical requests at once, spread over the given servers: one booking, one answer. */
    async function fireTogether(servers: Pick<TestApp, 'http'>[]): Promise<void> {
      const show = await newShow();
      const key = newKey();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => api.book(john, show.id, 9, { key, via: servers[i % servers.length] })),
      );
      const created = answers.filter((res) => res.status === 201);
      const other = answers.filter((res) => res.status !== 201);
      for (const res of other) expectProblem(res, 409, 'IDEMPOTENCY_IN_PROGRESS');
      expect(created.length).toBeGreaterThanOrEqual(1);
      // Exactly one of them ran the handler; every other 201 is its answer, replayed.
      expect(created.filter((res) => res.headers[REPLAYED] === undefined)).toHaveLength(1);
      expect(created.filter((res) => res.headers[REPLAYED] === 'true')).toHaveLength(created.length - 1);
      expect(new Set(created.map((res) => JSON.stringify(res.body))).size).toBe(1);
      const rows = await bookingSummariesOf(ctx.db.pool, show.id);
      expect(rows).toEqual([{ id: created[0].body.id, user_id: john.id, seat_number: 9, status: 'booked' }]);
    }

    it('a duplicate of a request still running waits for it and gets its answer; another body is refused at once', async () => {
      const show = await newShow();
      const key = newKey();
      // Hold the seat's row lock so the first request stays in progress until we let go.
      const blocker = await ctx.db.pool.connect();
      let firstPromise: Promise<Response> | undefined;
      let duplicatePromise: Promise<Response> | undefined;
      try {
        await blocker.query('BEGIN');
        await blocker.query(`SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 3 FOR UPDATE`, [show.id]);
        const { rows } = await blocker.query(`SELECT pg_backend_pid() AS pid`);
        firstPromise = api.book(john, show.id, 3, { key }).then((res) => res);
        await waitFor('the first request to wait for the seat lock', () => isBlockingSomeone(ctx.db.pool, rows[0].pid), 5000);
        expect(await storedKeys(ctx.db.pool, john.id)).toContainEqual({ key, status: 'in_progress', response_status: null });

        let duplicateSettled = false;
        duplicatePromise = api.book(john, show.id, 3, { key }).then((res) => {
          duplicateSettled = true;
          return res;
        });
        // Another body under the running key is answered without waiting.
        expectProblem(await api.book(john, show.id, 4, { key }), 422, 'IDEMPOTENCY_KEY_REUSED');
        // Nothing can answer the duplicate yet: it must still be waiting for the first.
        await delay(150);
        expect(duplicateSettled).toBe(false);
      } finally {
        await blocker.query('COMMIT');
        blocker.release();
      }
      const [first, duplicate] = await Promise.all([firstPromise, duplicatePromise]);
      expect(first?.status).toBe(201);
      expectReplayOf(duplicate as Response, first as Response);
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([{ id: first?.body.id, user_id: john.id, seat_number: 3, status: 'booked' }]);
    });

    it('20 parallel requests with one key on one instance: exactly one booking, every 201 carries its id', async () => {
      await fireTogether([ctx]);
    });

    describe('on two app instances sharing one database', () => {
      let second: TestApp;

      beforeAll(async () => {
        second = await startTestApp(ctx.db.url, { clock });
      });

      afterAll(() => second?.close());

      it('20 parallel requests with one key, split across both: still exactly one booking', async () => {
        await fireTogether([ctx, second]);
      });
    });
  });

  describe('collisions, and failures to store the answer', () => {
    afterEach(() => jest.restoreAllMocks());

    /** A real error from PostgreSQL with the given SQLSTATE, raised on the app's own connection pool. */
    const raise = (sqlstate: string) => () =>
      ctx.app.get(DataSource).query(`DO $$ BEGIN RAISE EXCEPTION 'forced by the test' USING ERRCODE = '${sqlstate}'; END $$`);

    it('409 CONCURRENT_UPDATE (a deadlock on every attempt) is not replayed: the same key, once the collision is gone, books', async () => {
      const show = await newShow();
      const key = newKey();
      const attempts = jest.spyOn(ctx.app.get(BookingsService), 'book').mockImplementation(raise('40P01'));

      const collided = await api.book(john, show.id, 6, { key });
      expectProblem(collided, 409, 'CONCURRENT_UPDATE');
      expect(attempts).toHaveBeenCalledTimes(3);
      expect((await storedKeys(ctx.db.pool, john.id)).map((k) => k.key)).not.toContain(key);

      attempts.mockRestore();
      const retried = await api.book(john, show.id, 6, { key });
      expect(retried.headers[REPLAYED]).toBeUndefined();
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ user_id: john.id, show_id: show.id, seat_number: 6, status: 'booked' });
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([{ id: retried.body.id, user_id: john.id, seat_number: 6, status: 'booked' }]);
      // From now on the key replays the booking.
      expectReplayOf(await api.book(john, show.id, 6, { key }).expect(201), retried);
    });

    describe('with a short lock_timeout (300 ms)', () => {
      let shortLocks: TestApp;
      let blocker: Client;

      beforeAll(async () => {
        // A connection-string `options` overrides the app's own lock_timeout (see concurrency/retries.e2e-spec.ts).
        shortLocks = await startTestApp(`${ctx.db.url}?options=-c%20lock_timeout%3D300`, { clock });
      });

      beforeEach(async () => {
        blocker = new Client({ connectionString: ctx.db.url });
        await blocker.connect();
      });

      afterEach(async () => {
        await blocker.query('ROLLBACK').catch(() => undefined);
        await blocker.end();
      });

      afterAll(() => shortLocks?.close());

      it('503 LOCK_TIMEOUT (the seat row locked throughout) is not replayed: the same key, once the lock is gone, books', async () => {
        const [{ lock_timeout }] = await shortLocks.app.get(DataSource).query('SHOW lock_timeout');
        expect(lock_timeout).toBe('300ms');
        const show = await newShow();
        const key = newKey();
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 8 FOR UPDATE', [show.id]);

        const timedOut = await api.book(jane, show.id, 8, { key, via: shortLocks });
        expectProblem(timedOut, 503, 'LOCK_TIMEOUT');
        expect((await storedKeys(ctx.db.pool, jane.id)).map((k) => k.key)).not.toContain(key);

        await blocker.query('ROLLBACK');
        const retried = await api.book(jane, show.id, 8, { key, via: shortLocks });
        expect(retried.headers[REPLAYED]).toBeUndefined();
        expect(retried.status).toBe(201);
        expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([{ id: retried.body.id, user_id: jane.id, seat_number: 8, status: 'booked' }]);
      });
    });

    it('a booking whose answer cannot be stored is still answered 201; a retry after the key is abandoned never books twice', async () => {
      const show = await newShow();
      const key = newKey();
      const complete = jest.spyOn(ctx.app.get(IdempotencyService), 'complete').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));

      const booked = await api.book(john, show.id, 2, { key });
      expect(complete).toHaveBeenCalledTimes(1);
      // The booking was committed: the client must learn so, not get a 500 that invites booking again.
      expect(booked.status).toBe(201);
      expect(booked.body).toMatchObject({ user_id: john.id, show_id: show.id, seat_number: 2, status: 'booked' });
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toEqual([{ id: booked.body.id, user_id: john.id, seat_number: 2, status: 'booked' }]);
      // Nothing was stored: the key stays in progress until it counts as abandoned (a minute)...
      expect(await storedKeys(ctx.db.pool, john.id)).toContainEqual({ key, status: 'in_progress', response_status: null });

      // ...after which the same request runs again and meets its own booking.
      clock.advance(61_000);
      expectProblem(await api.book(john, show.id, 2, { key }), 409, 'SEAT_TAKEN');
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('a refusal whose answer cannot be stored is still answered with the refusal (409 SEAT_TAKEN), not a 500', async () => {
      const show = await newShow();
      await api.book(jane, show.id, 3).expect(201);
      jest.spyOn(ctx.app.get(IdempotencyService), 'complete').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));

      expectProblem(await api.book(john, show.id, 3, { key: newKey() }), 409, 'SEAT_TAKEN');
      expect(await bookingSummariesOf(ctx.db.pool, show.id)).toHaveLength(1);
    });
  });
});
