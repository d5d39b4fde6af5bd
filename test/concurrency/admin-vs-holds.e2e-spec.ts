import type { Response } from 'supertest';
import { HoldsService } from '../../src/bookings/holds/holds.service';
import { AdminRace, adminRace, HOLD_TTL_MS, WAIT_MS } from './admin-race';
import { outcome } from '../support/answers';
import { sendNow } from '../support/api';
import { seatCount, showRow } from '../support/db';
import { isBlockingSomeone, lockWaiters, seatLockedByOthers, waitFor } from '../support/wait';

/**
 * Admin writes on a show (PATCH, DELETE) racing the customers' holds on its
 * seats and the hold sweeper (bookings: admin-vs-bookings.e2e-spec.ts). Every
 * writer must take its locks in one order (show, then holds, then seats in
 * seat order), so they queue and never deadlock; and whatever collision still
 * happens must never reach the admin as a 500.
 *
 * The deterministic cases pause one side with a lock taken by the test's own
 * connection at the very point where the two used to cross, the way the
 * review's reproduction scripts did, and then let go.
 */
describe('admin writes against customers on the same show (e2e): lock order, no deadlocks, no 500s', () => {
  const race = adminRace();
  const { clock, deadlocks } = race;
  let { ctx, api, admin, users, newShow, client, pid } = {} as AdminRace; // the race's, before each test
  beforeEach(() => ({ ctx, api, admin, users, newShow, client, pid } = race));

  /**
   * The admin's request and a customer's hold both queued on the show row, which
   * this test's transaction has locked the way a show PATCH/DELETE does; the
   * admin's first. Returns whether the waiting hold already held its seat's lock.
   */
  async function queueAdminThenHold(showId: number, adminRequest: Promise<Response>, holdRequest: () => Promise<Response>) {
    await waitFor('the admin request to wait for the show row', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
    const customer = holdRequest();
    await waitFor('the hold to wait as well', async () => (await lockWaiters(ctx.db.pool)) >= 2, WAIT_MS);
    const seatLockedWhileHoldWaits = await seatLockedByOthers(ctx.db.pool, showId, 5);
    await client.query('COMMIT');
    return { customer: await customer, admin: await adminRequest, seatLockedWhileHoldWaits };
  }

  describe('a hold being created while the admin changes the show', () => {
    it('PATCH total_seats: the hold waits for the show before locking its seats, so both succeed without a deadlock', async () => {
      const show = await newShow(10);
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM shows WHERE id = $1 FOR UPDATE', [show.id]);
      const patch = sendNow(api.updateShow(admin, show.id, { total_seats: 12 }));

      const { customer, admin: patched, seatLockedWhileHoldWaits } = await queueAdminThenHold(show.id, patch, () =>
        sendNow(api.hold(users[0], show.id, [5])),
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
      expect(await seatCount(ctx.db.pool, show.id)).toBe(12);
      const { rows } = await ctx.db.pool.query('SELECT hold_id FROM seats WHERE show_id = $1 AND seat_number = 5', [show.id]);
      expect(rows).toEqual([{ hold_id: customer.body.id }]);
    });

    it('DELETE: the show is deleted (204), the waiting hold finds no show (404), no deadlock', async () => {
      const show = await newShow(10);
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM shows WHERE id = $1 FOR UPDATE', [show.id]);
      const removal = sendNow(api.deleteShow(admin, show.id));

      const { customer, admin: removed, seatLockedWhileHoldWaits } = await queueAdminThenHold(show.id, removal, () =>
        sendNow(api.hold(users[1], show.id, [5])),
      );

      expect({ delete: outcome(removed), hold: outcome(customer), seatLockedWhileHoldWaits, deadlocks: deadlocks() }).toEqual({
        delete: '204',
        hold: '404 SHOW_NOT_FOUND',
        seatLockedWhileHoldWaits: false,
        deadlocks: [],
      });
      expect(await showRow(ctx.db.pool, show.id)).toBeUndefined();
      expect((await ctx.db.pool.query('SELECT 1 FROM holds WHERE show_id = $1', [show.id])).rows).toEqual([]);
    });

    it('a writer that still takes the seat before the show (the old hold order): the admin gets a retry, never a 500', async () => {
      // This transaction plays a hold created in the order used before the fix, step by step:
      // seat 5 first, then the hold row, whose foreign key takes a key-share lock on the show.
      const show = await newShow(10);
      await client.query(`SET deadlock_timeout = '10s'`); // the app's session (1 s) is the deadlock victim
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 5 FOR UPDATE', [show.id]);
      const patch = sendNow(api.updateShow(admin, show.id, { total_seats: 12 }));
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
      // At least one deadlock, each one the PATCH's and retried. A second can happen: the aborted
      // PATCH's retry (0-20 ms later) may lock the show again before this INSERT, woken by the
      // abort, has taken its key-share lock, and so cross seat 5 once more.
      const seen = deadlocks();
      expect(seen.length).toBeGreaterThanOrEqual(1);
      for (const line of seen) expect(line).toMatch(/retrying ShowsController\.update after 40P01/);
      expect(await seatCount(ctx.db.pool, show.id)).toBe(12);
    });
  });

  it('DELETE while the hold sweeper expires a hold of the show: both finish, no deadlock', async () => {
    const show = await newShow(10);
    const held = await api.hold(users[3], show.id, [5]).expect(201);
    clock.advance(HOLD_TTL_MS + 1000);
    const sweeper = ctx.app.get(HoldsService);

    // Seat 5 stays locked by this test until both the DELETE and the sweeper have reached it.
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 5 FOR UPDATE', [show.id]);
    const removal = sendNow(api.deleteShow(admin, show.id));
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
    expect(await showRow(ctx.db.pool, show.id)).toBeUndefined();
    expect((await ctx.db.pool.query('SELECT 1 FROM holds WHERE id = $1', [held.body.id])).rows).toEqual([]);
  });

  it('holds racing PATCH total_seats (grow, shrink) and DELETE of the same show, 5 rounds: admin 200/204/409 only, customers never 5xx', async () => {
    for (let round = 0; round < 5; round++) {
      const show = await newShow(20);
      const holds = users.slice(0, 12).map((user, i) => sendNow(api.hold(user, show.id, [1 + ((i * 7 + round) % 20)])));
      const grow = sendNow(api.updateShow(admin, show.id, { total_seats: 30 }));
      const shrink = sendNow(api.updateShow(admin, show.id, { total_seats: 15 }));
      const moreHolds = users.slice(12, 20).map((user, i) => sendNow(api.hold(user, show.id, [10 + i])));
      const removal = sendNow(api.deleteShow(admin, show.id));
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
        expect(await showRow(ctx.db.pool, show.id)).toBeUndefined();
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
});
