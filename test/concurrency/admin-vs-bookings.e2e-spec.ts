import { createMovie, createShow } from '../factories';
import { AdminRace, adminRace, WAIT_MS } from './admin-race';
import { outcome, tally } from '../support/answers';
import { sendNow } from '../support/api';
import { bookingsOf, seatCount, seatOwners, showRow } from '../support/db';
import { isBlockingSomeone, lockWaiters, waitFor } from '../support/wait';

/**
 * Admin writes on a show or its movie (PATCH) racing the customers' bookings
 * and each other (holds and the sweeper: admin-vs-holds.e2e-spec.ts). Every
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
  const { deadlocks } = race;
  let { ctx, api, admin, users, newShow, client, pid } = {} as AdminRace; // the race's, before each test
  beforeEach(() => ({ ctx, api, admin, users, newShow, client, pid } = race));

  describe('shrinking total_seats while multi-seat bookings near the new end run', () => {
    it('a booking of seats 50 and 70 holding seat 50 when the PATCH to 60 seats starts: 201 for it, 409 for the admin, no deadlock', async () => {
      const show = await newShow(100);
      // Seat 50 locked here, so the booking has taken nothing yet when the PATCH arrives.
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 50 FOR UPDATE', [show.id]);
      const booking = sendNow(api.book(users[4], show.id, [50, 70]));
      await waitFor('the booking to wait for seat 50', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
      const patch = sendNow(api.updateShow(admin, show.id, { total_seats: 60 }));
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
      expect(await showRow(ctx.db.pool, show.id)).toEqual({ total_seats: 100 });
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
        const answers = requests.map(({ user, seats }) => sendNow(api.book(user, show.id, seats)));
        // The PATCH lands in the middle of the bookings.
        answers.splice(8, 0, sendNow(api.updateShow(admin, show.id, { total_seats: 60 })));
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
        expect(await showRow(ctx.db.pool, show.id)).toEqual({ total_seats: total });
        expect(await seatCount(ctx.db.pool, show.id)).toBe(total);
        if (patched.status === 200) expect(answered.filter((b) => b.seat_number > 60)).toEqual([]);
        else expect(answered.some((b) => b.seat_number > 60)).toBe(true);
      }
      expect(deadlocks()).toEqual([]);
    });
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
      `INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats) SELECT $1, id, name, $3, $4, $4, 1 FROM screens WHERE name = $2`,
      [other.id, show.screen_name, new Date(start0 + 150 * 60_000), new Date(start0 + 160 * 60_000)],
    );
    const longer = sendNow(api.updateMovie(admin, movie.id, { duration_minutes: 200 }));
    await waitFor('the movie PATCH to wait on the exclusion constraint', () => isBlockingSomeone(ctx.db.pool, pid), WAIT_MS);
    // This PATCH starts while the movie still says 100 minutes, and waits for the show row.
    const renamed = sendNow(api.updateShow(admin, show.id, { screen_name: `${show.screen_name} (renamed)` }));
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
