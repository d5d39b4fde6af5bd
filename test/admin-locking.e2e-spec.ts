import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { HoldExpiryScheduler } from '../src/bookings/holds/hold-expiry.scheduler';
import { HoldsService } from '../src/bookings/holds/holds.service';
import { ManualClock } from '../src/common/clock';
import { bearer, createMovie, createShow, CrowdWorld, crowdWorld, Customer } from './factories';
import { outcome, tally } from './support/answers';
import { bookingsOf, seatOwners } from './support/db';
import { isBlockingSomeone, lockWaiters, waitFor } from './support/wait';

const HOLD_TTL_MS = 90_000;
const WAIT_MS = 5000;

/**
 * Admin writes on a show (PATCH, DELETE) racing the customers' writes on its
 * seats (holds, bookings, the hold sweeper). Every writer must take its locks
 * in one order (show, then holds, then seats in seat order), so they queue and
 * never deadlock; and whatever collision still happens must never reach the
 * admin as a 500.
 *
 * The deterministic cases pause one side with a lock taken by the test's own
 * connection at the very point where the two used to cross, the way the
 * review's reproduction scripts did, and then let go.
 */
describe('admin writes against customers on the same show (e2e): lock order, no deadlocks, no 500s', () => {
  const clock = new ManualClock();
  let { ctx, admin, users, newShow } = {} as CrowdWorld; // assigned in beforeAll
  let client: Client;
  let pid: number;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    ({ ctx, admin, users, newShow } = await crowdWorld(20, { clock, env: { HOLD_TTL_SECONDS: String(HOLD_TTL_MS / 1000) } }));
    // The hold sweeper runs only where a test runs it.
    ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
  });

  beforeEach(async () => {
    clock.set(new Date());
    client = new Client({ connectionString: ctx.db.url });
    await client.connect();
    pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    warnings = jest.spyOn(Logger.prototype, 'warn');
  });

  afterEach(async () => {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
    jest.restoreAllMocks();
  });

  afterAll(() => ctx?.teardown());

  const patchShow = (id: number, body: object) => ctx.http().patch(`/shows/${id}/`).set(bearer(admin)).send(body);
  const deleteShow = (id: number) => ctx.http().delete(`/shows/${id}/`).set(bearer(admin));
  const hold = (user: Customer, showId: number, seats: number[]) =>
    ctx.http().post(`/shows/${showId}/holds/`).set(bearer(user.access)).send({ seat_numbers: seats });
  const book = (user: Customer, showId: number, seats: number[]) =>
    ctx.http().post(`/shows/${showId}/book/`).set(bearer(user.access)).send({ seat_numbers: seats });
  /** Starts a supertest request now (it only runs once awaited or then-ed). */
  const start = (req: PromiseLike<Response>): Promise<Response> => Promise.resolve(req.then((res) => res));

  /** What the retry interceptor (and the filter's safety net) logged about deadlocks: each one is a deadlock that happened. */
  const deadlocks = () => warnings.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('40P01'));

  /** Whether some other session holds the seat's row lock right now (asked from a connection of its own, without waiting). */
  async function seatLockedByOthers(showId: number, seat: number): Promise<boolean> {
    return ctx.db.pool.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = $2 FOR UPDATE NOWAIT', [showId, seat]).then(
      () => false,
      (error: { code?: string }) => {
        if (error.code === '55P03') return true;
        throw error;
      },
    );
  }

  async function seatCount(showId: number): Promise<number> {
    const { rows } = await ctx.db.pool.query('SELECT count(*)::int AS n FROM seats WHERE show_id = $1', [showId]);
    return rows[0].n;
  }

  async function showRow(showId: number): Promise<{ total_seats: number } | undefined> {
    const { rows } = await ctx.db.pool.query('SELECT total_seats FROM shows WHERE id = $1', [showId]);
    return rows[0];
  }

  /**
   * The admin's request and a customer's hold both queued on the show row, which
   * this test's transaction has locked the way a show PATCH/DELETE does; the
   * admin's first. Returns whether the waiting hold already held its seat's lock.
   */
  async function queueAdminThenHold(showId: number, adminRequest: Promise<Response>, holdRequest: () => Promise<Response>) {
    await waitFor('the admin request to wait for the show row', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
    const customer = holdRequest();
    await waitFor('the hold to wait as well', async () => (await lockWaiters(ctx.db.pool)) >= 2, WAIT_MS);
    const seatLockedWhileHoldWaits = await seatLockedByOthers(showId, 5);
    await client.query('COMMIT');
    return { customer: await customer, admin: await adminRequest, seatLockedWhileHoldWaits };
  }

  describe('a hold being created while the admin changes the show', () => {
    it('PATCH total_seats: the hold waits for the show before locking its seats, so both succeed without a deadlock', async () => {
      const show = await newShow(10);
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM shows WHERE id = $1 FOR UPDATE', [show.id]);
      const patch = start(patchShow(show.id, { total_seats: 12 }));

      const { customer, admin: patched, seatLockedWhileHoldWaits } = await queueAdminThenHold(show.id, patch, () =>
        start(hold(users[0], show.id, [5])),
      );

      // Before the fix the hold locked seat 5 and then waited for the show, while the PATCH,
      // holding the show, cascaded total_seats onto every seat row: a deadlock, whose victim
      // was either the admin (500) or the hold (retried).
      expect({ patch: outcome(patched), hold: outcome(customer), seatLockedWhileHoldWaits, deadlocks: deadlocks() }).toEqual({
        patch: '200',
        hold: '201',
        seatLockedWhileHoldWaits: false,
        deadlocks: [],
      });
      expect(patched.body).toMatchObject({ id: show.id, total_seats: 12 });
      expect(await seatCount(show.id)).toBe(12);
      const { rows } = await ctx.db.pool.query('SELECT hold_id FROM seats WHERE show_id = $1 AND seat_number = 5', [show.id]);
      expect(rows).toEqual([{ hold_id: customer.body.id }]);
    });

    it('DELETE: the show is deleted (204), the waiting hold finds no show (404), no deadlock', async () => {
      const show = await newShow(10);
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM shows WHERE id = $1 FOR UPDATE', [show.id]);
      const removal = start(deleteShow(show.id));

      const { customer, admin: removed, seatLockedWhileHoldWaits } = await queueAdminThenHold(show.id, removal, () =>
        start(hold(users[1], show.id, [5])),
      );

      expect({ delete: outcome(removed), hold: outcome(customer), seatLockedWhileHoldWaits, deadlocks: deadlocks() }).toEqual({
        delete: '204',
        hold: '404 SHOW_NOT_FOUND',
        seatLockedWhileHoldWaits: false,
        deadlocks: [],
      });
      expect(await showRow(show.id)).toBeUndefined();
      expect((await ctx.db.pool.query('SELECT 1 FROM holds WHERE show_id = $1', [show.id])).rows).toEqual([]);
    });

    it('a writer that still takes the seat before the show (the old hold order): the admin gets a retry, never a 500', async () => {
      // This transaction plays a hold created in the order used before the fix, step by step:
      // seat 5 first, then the hold row, whose foreign key takes a key-share lock on the show.
      const show = await newShow(10);
      await client.query(`SET deadlock_timeout = '10s'`); // the app's session (1 s) is the deadlock victim
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 5 FOR UPDATE', [show.id]);
      const patch = start(patchShow(show.id, { total_seats: 12 }));
      await waitFor('the PATCH to wait for seat 5', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);

      // The PATCH holds the show row: this insert waits for it, and PostgreSQL aborts the PATCH.
      await client.query(
        `INSERT INTO holds (user_id, show_id, seat_numbers, created_at, expires_at) VALUES ($1, $2, '{5}', $3, $4)`,
        [users[2].id, show.id, clock.now(), new Date(clock.now().getTime() + HOLD_TTL_MS)],
      );
      await client.query('COMMIT');
      const patched = await patch;

      expect(outcome(patched)).toBe('200');
      expect(patched.body).toMatchObject({ id: show.id, total_seats: 12 });
      expect(deadlocks()).toEqual([expect.stringMatching(/ShowsController\.update after 40P01/)]);
      expect(await seatCount(show.id)).toBe(12);
    });
  });

  it('DELETE while the hold sweeper expires a hold of the show: both finish, no deadlock', async () => {
    const show = await newShow(10);
    const held = await hold(users[3], show.id, [5]).expect(201);
    clock.advance(HOLD_TTL_MS + 1000);
    const sweeper = ctx.app.get(HoldsService);

    // Seat 5 stays locked by this test until both the DELETE and the sweeper have reached it.
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 5 FOR UPDATE', [show.id]);
    const removal = start(deleteShow(show.id));
    await waitFor('the DELETE to wait for seat 5', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
    let swept = false;
    const sweep = sweeper.expireDue().then(
      (expired) => ({ expired }),
      (error: { code?: string }) => ({ error: error.code ?? String(error) }),
    );
    void sweep.then(() => (swept = true));
    // Now the DELETE holds the hold row: the sweeper skips it; before the fix it locked the hold
    // and waited for seat 5, while the DELETE's cascade waited for that hold.
    await waitFor('the sweeper to finish or to wait too', async () => swept || (await lockWaiters(ctx.db.pool)) >= 2, WAIT_MS);
    await client.query('COMMIT');
    const [removed, sweepResult] = await Promise.all([removal, sweep]);

    expect({ delete: outcome(removed), sweep: sweepResult, deadlocks: deadlocks() }).toEqual({
      delete: '204',
      sweep: { expired: expect.any(Number) },
      deadlocks: [],
    });
    expect(await showRow(show.id)).toBeUndefined();
    expect((await ctx.db.pool.query('SELECT 1 FROM holds WHERE id = $1', [held.body.id])).rows).toEqual([]);
  });

  describe('shrinking total_seats while multi-seat bookings near the new end run', () => {
    it('a booking of seats 50 and 70 holding seat 50 when the PATCH to 60 seats starts: 201 for it, 409 for the admin, no deadlock', async () => {
      const show = await newShow(100);
      // Seat 50 locked here, so the booking has taken nothing yet when the PATCH arrives.
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 50 FOR UPDATE', [show.id]);
      const booking = start(book(users[4], show.id, [50, 70]));
      await waitFor('the booking to wait for seat 50', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
      const patch = start(patchShow(show.id, { total_seats: 60 }));
      await waitFor('the PATCH to wait as well', async () => (await lockWaiters(ctx.db.pool)) >= 2, WAIT_MS);
      await client.query('COMMIT');
      const [booked, patched] = await Promise.all([booking, patch]);

      // Before the fix the PATCH locked only seats 61..100 (70 among them) and then cascaded the new
      // total onto seats 1..60, waiting for seat 50, which the booking held while it waited for 70.
      expect({ booking: outcome(booked), patch: outcome(patched), deadlocks: deadlocks() }).toEqual({
        booking: '201',
        patch: '409 SHOW_HAS_BOOKINGS',
        deadlocks: [],
      });
      expect(await showRow(show.id)).toEqual({ total_seats: 100 });
      const ids = booked.body.map((b: { id: number }) => b.id).sort((a: number, b: number) => a - b);
      expect((await bookingsOf(ctx.db.pool, show.id)).map((b) => [b.id, b.seat_number, b.status])).toEqual([
        [ids[0], 50, 'booked'],
        [ids[1], 70, 'booked'],
      ]);
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 50: ids[0], 70: ids[1] });
    });

    it('16 two-seat bookings straddling seat 60 race a PATCH to 60 seats, 4 rounds: no 5xx, no 201 booking lost', async () => {
      for (let round = 0; round < 4; round++) {
        const show = await newShow(100);
        const requests = users.slice(0, 16).map((user, i) => ({ user, seats: [45 + i, 58 + i] }));
        const answers = requests.map(({ user, seats }) => start(book(user, show.id, seats)));
        // The PATCH lands in the middle of the bookings.
        answers.splice(8, 0, start(patchShow(show.id, { total_seats: 60 })));
        const all = await Promise.all(answers);
        const patched = all.splice(8, 1)[0];
        const customers = all;

        expect(['200', '409 SHOW_HAS_BOOKINGS']).toContain(outcome(patched));
        expect(customers.filter((res) => res.status >= 500).map(outcome)).toEqual([]);
        expect(Object.keys(tally(customers)).filter((kind) => !['201', '409 SEAT_TAKEN', '400 SEAT_OUT_OF_RANGE'].includes(kind))).toEqual([]);

        // Every booking answered 201 is in the database, active, and its seat points at it.
        const rows = await bookingsOf(ctx.db.pool, show.id);
        const owners = await seatOwners(ctx.db.pool, show.id);
        const answered = customers.filter((res) => res.status === 201).flatMap((res) => res.body as { id: number; seat_number: number }[]);
        for (const booking of answered) {
          expect(rows).toContainEqual(expect.objectContaining({ id: booking.id, seat_number: booking.seat_number, status: 'booked' }));
          expect(owners[booking.seat_number]).toBe(booking.id);
        }
        expect(rows).toHaveLength(answered.length);
        const total = patched.status === 200 ? 60 : 100;
        expect(await showRow(show.id)).toEqual({ total_seats: total });
        expect(await seatCount(show.id)).toBe(total);
        if (patched.status === 200) expect(answered.filter((b) => b.seat_number > 60)).toEqual([]);
        else expect(answered.some((b) => b.seat_number > 60)).toBe(true);
      }
      expect(deadlocks()).toEqual([]);
    });
  });

  it('holds racing PATCH total_seats (grow, shrink) and DELETE of the same show, 5 rounds: admin 200/204/409 only, customers never 5xx', async () => {
    for (let round = 0; round < 5; round++) {
      const show = await newShow(20);
      const holds = users.slice(0, 12).map((user, i) => start(hold(user, show.id, [1 + ((i * 7 + round) % 20)])));
      const grow = start(patchShow(show.id, { total_seats: 30 }));
      const shrink = start(patchShow(show.id, { total_seats: 15 }));
      const moreHolds = users.slice(12, 20).map((user, i) => start(hold(user, show.id, [10 + i])));
      const removal = start(deleteShow(show.id));
      const [customers, patches, removed] = await Promise.all([
        Promise.all([...holds, ...moreHolds]),
        Promise.all([grow, shrink]),
        removal,
      ]);

      for (const res of patches) expect(['200', '409 SHOW_HAS_BOOKINGS']).toContain(outcome(res));
      expect(['204', '409 SHOW_HAS_BOOKINGS']).toContain(outcome(removed));
      expect(customers.filter((res) => res.status >= 500).map(outcome)).toEqual([]);
      // The database agrees with the DELETE's answer.
      if (removed.status === 204) {
        expect(await showRow(show.id)).toBeUndefined();
      } else {
        const { rows } = await ctx.db.pool.query(
          'SELECT count(*)::int AS n FROM seats WHERE show_id = $1 AND hold_id IS NOT NULL AND hold_expires_at > $2',
          [show.id, clock.now()],
        );
        expect(rows[0].n).toBeGreaterThan(0);
      }
    }
    expect(deadlocks()).toEqual([]);
  });

  it('show PATCH after a concurrent movie duration PATCH: ends_at comes from the new duration', async () => {
    const movie = await createMovie(ctx.http, admin, { duration_minutes: 100 });
    const show = await createShow(ctx.http, admin, movie.id, { total_seats: 5 });
    const start0 = new Date(show.date_time).getTime();
    const other = await createMovie(ctx.http, admin, { duration_minutes: 10 });

    // An uncommitted show on the same screen, 150..160 minutes after the start: clear of the show's
    // current end (100 min), in the way of its new one (200 min). The movie PATCH, having updated the
    // movie and the show row, waits on the exclusion constraint until this transaction ends.
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO shows (movie_id, screen_name, date_time, ends_at, total_seats) VALUES ($1, $2, $3, $4, 1)`,
      [other.id, show.screen_name, new Date(start0 + 150 * 60_000), new Date(start0 + 160 * 60_000)],
    );
    const longer = start(ctx.http().patch(`/movies/${movie.id}/`).set(bearer(admin)).send({ duration_minutes: 200 }));
    await waitFor('the movie PATCH to wait on the exclusion constraint', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
    // This PATCH starts while the movie still says 100 minutes, and waits for the show row.
    const renamed = start(patchShow(show.id, { screen_name: `${show.screen_name} (renamed)` }));
    await waitFor('the show PATCH to wait for the show row', async () => (await lockWaiters(ctx.db.pool)) >= 2, WAIT_MS);
    await client.query('ROLLBACK');
    const [movieAnswer, showAnswer] = await Promise.all([longer, renamed]);

    expect({ movie: outcome(movieAnswer), show: outcome(showAnswer) }).toEqual({ movie: '200', show: '200' });
    const { rows } = await ctx.db.pool.query(
      `SELECT (extract(epoch FROM ends_at - date_time) / 60)::int AS minutes, screen_name FROM shows WHERE id = $1`,
      [show.id],
    );
    // Before the fix the show PATCH used the duration it had read before waiting (100) and wrote it back.
    expect(rows).toEqual([{ minutes: 200, screen_name: `${show.screen_name} (renamed)` }]);
  });
});
