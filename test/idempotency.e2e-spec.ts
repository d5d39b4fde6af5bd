import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, type Pool } from 'pg';
import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { BookingsService } from '../src/bookings/bookings.service';
import { ManualClock } from '../src/common/clock';
import { IdempotencyService } from '../src/idempotency/idempotency.service';
import { bearer, BookingWorld, bookingWorld, createMovie, TestUser } from './factories';
import { startTestApp, TestApp } from './setup/test-app';
import { expectProblem } from './support/problem';
import { isBlockingSomeone, waitFor } from './support/wait';

const REPLAYED = 'idempotent-replayed';
const DAY_MS = 24 * 3600 * 1000;

const newKey = () => `key-${randomUUID()}`;
const withKey = (key: string) => ({ 'Idempotency-Key': key });

interface BookingRow {
  id: number;
  user_id: number;
  seat_number: number;
  status: string;
}

async function bookingsOf(pool: Pool, showId: number): Promise<BookingRow[]> {
  const { rows } = await pool.query(`SELECT id, user_id, seat_number, status FROM bookings WHERE show_id = $1 ORDER BY id`, [showId]);
  return rows;
}

async function holdsOf(pool: Pool, showId: number): Promise<{ id: number; status: string }[]> {
  const { rows } = await pool.query(`SELECT id, status FROM holds WHERE show_id = $1 ORDER BY id`, [showId]);
  return rows;
}

async function storedKeys(pool: Pool, userId: number): Promise<{ key: string; status: string; response_status: number | null }[]> {
  const { rows } = await pool.query(`SELECT key, status, response_status FROM idempotency_keys WHERE user_id = $1 ORDER BY key`, [userId]);
  return rows;
}

describe('idempotency keys (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, admin, john, jane, newShow } = await bookingWorld({ clock }));
  });

  // Time only moves when a test moves it.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  const book = (http: () => TestAgent, user: TestUser, showId: number, body: object, key?: string) => {
    const req = http().post(`/shows/${showId}/book/`).set(bearer(user.access));
    if (key !== undefined) req.set(withKey(key));
    return req.send(body);
  };

  /** The two answers are the same answer: status, body and content type, the second marked as replayed. */
  function expectReplayOf(replay: Response, first: Response): void {
    expect(first.headers[REPLAYED]).toBeUndefined();
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.status).toBe(first.status);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['content-type']).toBe(first.headers['content-type']);
  }

  describe('replays the first answer for the same key and body', () => {
    it('a booking: 201 with the identical body and Idempotent-Replayed: true, and exactly one booking row', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await book(ctx.http, john, show.id, { seat_number: 4 }, key).expect(201);
      const replay = await book(ctx.http, john, show.id, { seat_number: 4 }, key).expect(201);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ user_id: john.id, show_id: show.id, seat_number: 4, status: 'booked' });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([
        { id: first.body.id, user_id: john.id, seat_number: 4, status: 'booked' },
      ]);
      expect(await storedKeys(ctx.db.pool, john.id)).toContainEqual({ key, status: 'completed', response_status: 201 });
    });

    it('the same request with and without a trailing slash is the same request', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await ctx.http().post(`/shows/${show.id}/book/`).set(bearer(john.access)).set(withKey(key)).send({ seat_number: 1 }).expect(201);
      const replay = await ctx.http().post(`/shows/${show.id}/book`).set(bearer(john.access)).set(withKey(key)).send({ seat_number: 1 }).expect(201);
      expectReplayOf(replay, first);
      expect(await bookingsOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('a hold creation: 201 with the same hold, and only one hold exists', async () => {
      const show = await newShow();
      const key = newKey();
      const hold = () => ctx.http().post(`/shows/${show.id}/holds/`).set(bearer(john.access)).set(withKey(key)).send({ seat_numbers: [2, 3] });
      const first = await hold().expect(201);
      const replay = await hold().expect(201);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ show_id: show.id, seat_numbers: [2, 3], expires_at: expect.any(String) });
      expect(await holdsOf(ctx.db.pool, show.id)).toEqual([{ id: first.body.id, status: 'active' }]);
    });

    it('a hold confirmation: 201 with the same bookings, although confirming again without the key is 409', async () => {
      const show = await newShow();
      const created = await ctx.http().post(`/shows/${show.id}/holds/`).set(bearer(john.access)).send({ seat_numbers: [5, 6] }).expect(201);
      const key = newKey();
      const confirm = () => ctx.http().post(`/holds/${created.body.id}/confirm/`).set(bearer(john.access));
      const first = await confirm().set(withKey(key)).expect(201);
      const replay = await confirm().set(withKey(key)).expect(201);
      expectReplayOf(replay, first);
      expect(first.body.map((b: BookingRow) => b.seat_number)).toEqual([5, 6]);
      expect((await bookingsOf(ctx.db.pool, show.id)).map((b) => b.id)).toEqual(first.body.map((b: BookingRow) => b.id));
      // The control: the replay above did not run the handler, which would now refuse.
      expectProblem(await confirm().set(withKey(newKey())), 409, 'HOLD_ALREADY_CONFIRMED');
    });

    it('a cancellation: 200 with the same cancelled booking, although cancelling again without the key is 409', async () => {
      const show = await newShow();
      const booked = await book(ctx.http, john, show.id, { seat_number: 7 }).expect(201);
      const key = newKey();
      const cancel = () => ctx.http().post(`/bookings/${booked.body.id}/cancel/`).set(bearer(john.access));
      const first = await cancel().set(withKey(key)).expect(200);
      const replay = await cancel().set(withKey(key)).expect(200);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ id: booked.body.id, status: 'cancelled', cancelled_at: expect.any(String) });
      expectProblem(await cancel(), 409, 'ALREADY_CANCELLED');
    });

    it('a hold release (DELETE): 204 again, marked as replayed', async () => {
      const show = await newShow();
      const created = await ctx.http().post(`/shows/${show.id}/holds/`).set(bearer(john.access)).send({ seat_numbers: [1] }).expect(201);
      const key = newKey();
      const release = () => ctx.http().delete(`/holds/${created.body.id}/`).set(bearer(john.access)).set(withKey(key));
      const first = await release().expect(204);
      const replay = await release().expect(204);
      expect(first.headers[REPLAYED]).toBeUndefined();
      expect(replay.headers[REPLAYED]).toBe('true');
      expect(replay.text).toBe('');
      expect(await holdsOf(ctx.db.pool, show.id)).toEqual([{ id: created.body.id, status: 'released' }]);
    });

    it('an admin PATCH: 200 with the same movie, and a PATCH with another body is 422', async () => {
      const movie = await createMovie(ctx.http, admin);
      const key = newKey();
      const patch = (title: string) => ctx.http().patch(`/movies/${movie.id}/`).set(bearer(admin)).set(withKey(key)).send({ title });
      const first = await patch('Renamed once').expect(200);
      const replay = await patch('Renamed once').expect(200);
      expectReplayOf(replay, first);
      expect(first.body).toMatchObject({ id: movie.id, title: 'Renamed once' });
      expectProblem(await patch('Renamed twice'), 422, 'IDEMPOTENCY_KEY_REUSED');
      const { rows } = await ctx.db.pool.query(`SELECT title FROM movies WHERE id = $1`, [movie.id]);
      expect(rows).toEqual([{ title: 'Renamed once' }]);
    });

    it('a 409 (seat taken): the same 409 again, even after the seat became free, and nothing is booked', async () => {
      const show = await newShow();
      const janes = await book(ctx.http, jane, show.id, { seat_number: 1 }).expect(201);
      const key = newKey();
      const first = await book(ctx.http, john, show.id, { seat_number: 1 }, key);
      expectProblem(first, 409, 'SEAT_TAKEN');
      await ctx.http().post(`/bookings/${janes.body.id}/cancel/`).set(bearer(jane.access)).expect(200);

      const replay = await book(ctx.http, john, show.id, { seat_number: 1 }, key);
      expectProblem(replay, 409, 'SEAT_TAKEN');
      expectReplayOf(replay, first);
      expect((await bookingsOf(ctx.db.pool, show.id)).filter((b) => b.status === 'booked')).toEqual([]);
      // A new key is a new request: the seat is free now.
      await book(ctx.http, john, show.id, { seat_number: 1 }, newKey()).expect(201);
    });

    it('a 400 validation failure: the same problem with its field errors', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await book(ctx.http, john, show.id, { seat_number: '1' }, key);
      expectProblem(first, 400, 'VALIDATION_FAILED');
      const replay = await book(ctx.http, john, show.id, { seat_number: '1' }, key);
      expectReplayOf(replay, first);
      expect(replay.body.errors).toEqual(first.body.errors);
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });
  });

  describe('refuses a reused key', () => {
    it('with a different body: 422 IDEMPOTENCY_KEY_REUSED and nothing booked', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await book(ctx.http, john, show.id, { seat_number: 1 }, key).expect(201);
      const reused = await book(ctx.http, john, show.id, { seat_number: 2 }, key);
      expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([{ id: first.body.id, user_id: john.id, seat_number: 1, status: 'booked' }]);
      // The original answer is still there for a true retry.
      expectReplayOf(await book(ctx.http, john, show.id, { seat_number: 1 }, key).expect(201), first);
    });

    it('for another endpoint (same body, other show): 422 and nothing booked there', async () => {
      const [showA, showB] = await Promise.all([newShow(), newShow()]);
      const key = newKey();
      await book(ctx.http, john, showA.id, { seat_number: 1 }, key).expect(201);
      expectProblem(await book(ctx.http, john, showB.id, { seat_number: 1 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await bookingsOf(ctx.db.pool, showB.id)).toEqual([]);
    });
  });

  it('keys belong to their user: the same key used by two users makes two independent requests', async () => {
    const show = await newShow();
    const key = newKey();
    const johns = await book(ctx.http, john, show.id, { seat_number: 1 }, key).expect(201);
    const janes = await book(ctx.http, jane, show.id, { seat_number: 2 }, key).expect(201);
    expect(janes.headers[REPLAYED]).toBeUndefined();
    expect(janes.body).toMatchObject({ user_id: jane.id, seat_number: 2 });
    // Same key and same body as john's, but jane's: a real attempt (and the seat is john's), not john's answer.
    const janeAgain = await book(ctx.http, jane, show.id, { seat_number: 1 }, `${key}-x`);
    expectProblem(janeAgain, 409, 'SEAT_TAKEN');
    const janeSameAsJohn = await book(ctx.http, jane, show.id, { seat_number: 1 }, key);
    expectProblem(janeSameAsJohn, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([
      { id: johns.body.id, user_id: john.id, seat_number: 1, status: 'booked' },
      { id: janes.body.id, user_id: jane.id, seat_number: 2, status: 'booked' },
    ]);
  });

  describe('duplicates that arrive together', () => {
    /** 20 identical requests at once, spread over the given servers: one booking, one answer. */
    async function fireTogether(servers: (() => TestAgent)[]): Promise<void> {
      const show = await newShow();
      const key = newKey();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => book(servers[i % servers.length], john, show.id, { seat_number: 9 }, key)),
      );
      const created = answers.filter((res) => res.status === 201);
      const other = answers.filter((res) => res.status !== 201);
      for (const res of other) expectProblem(res, 409, 'IDEMPOTENCY_IN_PROGRESS');
      expect(created.length).toBeGreaterThanOrEqual(1);
      // Exactly one of them ran the handler; every other 201 is its answer, replayed.
      expect(created.filter((res) => res.headers[REPLAYED] === undefined)).toHaveLength(1);
      expect(created.filter((res) => res.headers[REPLAYED] === 'true')).toHaveLength(created.length - 1);
      expect(new Set(created.map((res) => JSON.stringify(res.body))).size).toBe(1);
      const rows = await bookingsOf(ctx.db.pool, show.id);
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
        firstPromise = book(ctx.http, john, show.id, { seat_number: 3 }, key).then((res) => res);
        await waitFor('the first request to wait for the seat lock', () => isBlockingSomeone(ctx.db.pool, rows[0].pid), 5000);
        expect(await storedKeys(ctx.db.pool, john.id)).toContainEqual({ key, status: 'in_progress', response_status: null });

        let duplicateSettled = false;
        duplicatePromise = book(ctx.http, john, show.id, { seat_number: 3 }, key).then((res) => {
          duplicateSettled = true;
          return res;
        });
        // Another body under the running key is answered without waiting.
        expectProblem(await book(ctx.http, john, show.id, { seat_number: 4 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
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
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([{ id: first?.body.id, user_id: john.id, seat_number: 3, status: 'booked' }]);
    });

    it('20 parallel requests with one key on one instance: exactly one booking, every 201 carries its id', async () => {
      await fireTogether([ctx.http]);
    });

    describe('on two app instances sharing one database', () => {
      let second: TestApp;

      beforeAll(async () => {
        second = await startTestApp(ctx.db.url, { clock });
      });

      afterAll(() => second?.close());

      it('20 parallel requests with one key, split across both: still exactly one booking', async () => {
        await fireTogether([ctx.http, second.http]);
      });
    });
  });

  describe('the Idempotency-Key header itself', () => {
    it('255 characters is accepted (the control for the next test)', async () => {
      const show = await newShow();
      const key = 'k'.repeat(255);
      const res = await book(ctx.http, jane, show.id, { seat_number: 1 }, key).expect(201);
      expect((await storedKeys(ctx.db.pool, jane.id)).map((k) => k.key)).toContain(key);
      expectReplayOf(await book(ctx.http, jane, show.id, { seat_number: 1 }, key).expect(201), res);
    });

    it('256 characters: 400 VALIDATION_FAILED and nothing booked or stored', async () => {
      const show = await newShow();
      const key = 'x'.repeat(256);
      const res = await book(ctx.http, john, show.id, { seat_number: 1 }, key);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
      expect((await storedKeys(ctx.db.pool, john.id)).map((k) => k.key)).not.toContain(key);
    });

    it('empty: 400 VALIDATION_FAILED and nothing booked', async () => {
      const show = await newShow();
      const res = await book(ctx.http, john, show.id, { seat_number: 1 }, '');
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('without the header requests behave normally: the second identical booking is a real attempt (409)', async () => {
      const show = await newShow();
      const first = await book(ctx.http, john, show.id, { seat_number: 3 }).expect(201);
      expect(first.headers[REPLAYED]).toBeUndefined();
      const second = await book(ctx.http, john, show.id, { seat_number: 3 });
      expectProblem(second, 409, 'SEAT_TAKEN');
      expect(second.headers[REPLAYED]).toBeUndefined();
      expect(await bookingsOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('GET requests ignore it, even one that is too long or was used for a POST', async () => {
      const show = await newShow();
      const key = newKey();
      await book(ctx.http, john, show.id, { seat_number: 2 }, key).expect(201);
      const before = await storedKeys(ctx.db.pool, john.id);

      const mine = await ctx.http().get('/my-bookings/').set(bearer(john.access)).set(withKey(key)).expect(200);
      expect(mine.headers[REPLAYED]).toBeUndefined();
      expect(Array.isArray(mine.body)).toBe(true);
      expect(mine.body.some((b: BookingRow) => b.seat_number === 2)).toBe(true);

      const seats = await ctx.http().get(`/shows/${show.id}/seats/`).set(bearer(john.access)).set(withKey('y'.repeat(300))).expect(200);
      expect(seats.headers[REPLAYED]).toBeUndefined();
      expect(seats.body.seats.find((s: { seat_number: number }) => s.seat_number === 2)).toEqual({ seat_number: 2, status: 'booked' });

      expect(await storedKeys(ctx.db.pool, john.id)).toEqual(before);
    });
  });

  describe('keys live 24 hours (by the clock)', () => {
    it('just before 24 h the key still replays and still refuses another body', async () => {
      const show = await newShow();
      const key = newKey();
      const first = await book(ctx.http, john, show.id, { seat_number: 1 }, key).expect(201);
      clock.advance(DAY_MS - 60_000);
      expectReplayOf(await book(ctx.http, john, show.id, { seat_number: 1 }, key).expect(201), first);
      expectProblem(await book(ctx.http, john, show.id, { seat_number: 2 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await bookingsOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('after 24 h the key is free again: a new request with it runs for real', async () => {
      const show = await newShow();
      const key = newKey();
      await book(ctx.http, john, show.id, { seat_number: 1 }, key).expect(201);
      clock.advance(DAY_MS + 1000);
      const fresh = await book(ctx.http, john, show.id, { seat_number: 2 }, key).expect(201);
      expect(fresh.headers[REPLAYED]).toBeUndefined();
      expect(fresh.body).toMatchObject({ user_id: john.id, seat_number: 2 });
      // And its answer is what the key replays from now on.
      expectReplayOf(await book(ctx.http, john, show.id, { seat_number: 2 }, key).expect(201), fresh);
      expect((await bookingsOf(ctx.db.pool, show.id)).map((b) => b.seat_number)).toEqual([1, 2]);
    });

    it('after 24 h the very same request is not replayed: it is tried again (and the seat is taken)', async () => {
      const show = await newShow();
      const key = newKey();
      await book(ctx.http, john, show.id, { seat_number: 5 }, key).expect(201);
      clock.advance(DAY_MS + 1000);
      const again = await book(ctx.http, john, show.id, { seat_number: 5 }, key);
      expectProblem(again, 409, 'SEAT_TAKEN');
      expect(again.headers[REPLAYED]).toBeUndefined();
      expect(await bookingsOf(ctx.db.pool, show.id)).toHaveLength(1);
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

      const collided = await book(ctx.http, john, show.id, { seat_number: 6 }, key);
      expectProblem(collided, 409, 'CONCURRENT_UPDATE');
      expect(attempts).toHaveBeenCalledTimes(3);
      expect((await storedKeys(ctx.db.pool, john.id)).map((k) => k.key)).not.toContain(key);

      attempts.mockRestore();
      const retried = await book(ctx.http, john, show.id, { seat_number: 6 }, key);
      expect(retried.headers[REPLAYED]).toBeUndefined();
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ user_id: john.id, show_id: show.id, seat_number: 6, status: 'booked' });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([{ id: retried.body.id, user_id: john.id, seat_number: 6, status: 'booked' }]);
      // From now on the key replays the booking.
      expectReplayOf(await book(ctx.http, john, show.id, { seat_number: 6 }, key).expect(201), retried);
    });

    describe('with a short lock_timeout (300 ms)', () => {
      let shortLocks: TestApp;
      let blocker: Client;

      beforeAll(async () => {
        // A connection-string `options` overrides the app's own lock_timeout (see concurrency.e2e-spec.ts).
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

        const timedOut = await book(shortLocks.http, jane, show.id, { seat_number: 8 }, key);
        expectProblem(timedOut, 503, 'LOCK_TIMEOUT');
        expect((await storedKeys(ctx.db.pool, jane.id)).map((k) => k.key)).not.toContain(key);

        await blocker.query('ROLLBACK');
        const retried = await book(shortLocks.http, jane, show.id, { seat_number: 8 }, key);
        expect(retried.headers[REPLAYED]).toBeUndefined();
        expect(retried.status).toBe(201);
        expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([{ id: retried.body.id, user_id: jane.id, seat_number: 8, status: 'booked' }]);
      });
    });

    it('a booking whose answer cannot be stored is still answered 201; a retry after the key is abandoned never books twice', async () => {
      const show = await newShow();
      const key = newKey();
      const complete = jest.spyOn(ctx.app.get(IdempotencyService), 'complete').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));

      const booked = await book(ctx.http, john, show.id, { seat_number: 2 }, key);
      expect(complete).toHaveBeenCalledTimes(1);
      // The booking was committed: the client must learn so, not get a 500 that invites booking again.
      expect(booked.status).toBe(201);
      expect(booked.body).toMatchObject({ user_id: john.id, show_id: show.id, seat_number: 2, status: 'booked' });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([{ id: booked.body.id, user_id: john.id, seat_number: 2, status: 'booked' }]);
      // Nothing was stored: the key stays in progress until it counts as abandoned (a minute)...
      expect(await storedKeys(ctx.db.pool, john.id)).toContainEqual({ key, status: 'in_progress', response_status: null });

      // ...after which the same request runs again and meets its own booking.
      clock.advance(61_000);
      expectProblem(await book(ctx.http, john, show.id, { seat_number: 2 }, key), 409, 'SEAT_TAKEN');
      expect(await bookingsOf(ctx.db.pool, show.id)).toHaveLength(1);
    });

    it('a refusal whose answer cannot be stored is still answered with the refusal (409 SEAT_TAKEN), not a 500', async () => {
      const show = await newShow();
      await book(ctx.http, jane, show.id, { seat_number: 3 }).expect(201);
      jest.spyOn(ctx.app.get(IdempotencyService), 'complete').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));

      expectProblem(await book(ctx.http, john, show.id, { seat_number: 3 }, newKey()), 409, 'SEAT_TAKEN');
      expect(await bookingsOf(ctx.db.pool, show.id)).toHaveLength(1);
    });
  });
});
