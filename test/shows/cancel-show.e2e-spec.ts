import { BookingMail } from '../../src/bookings/booking-mail';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupStaff, TestUser } from '../factories';
import { sendNow } from '../support/api';
import { bookingsOf, expectUnchanged, holdsOf } from '../support/db';
import { Mailbox } from '../support/mailbox';
import { expectProblem } from '../support/problem';
import { isBlockingSomeone, waitFor } from '../support/wait';

const HOUR = 3600_000;

describe('cancelling a show: POST /shows/{id}/cancel/ (e2e, a real SMTP server)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, movieId, newShow } = {} as BookingWorld; // assigned in beforeAll
  let staff: TestUser;
  let mailbox: Mailbox;
  const emailOf = (user: { username: string }) => `${user.username}@example.com`;
  const cancelNotices = (user: { username: string }) => mailbox.to(emailOf(user)).filter((mail) => mail.subject?.startsWith('Roxy: show cancelled, '));
  const showCancelledJobs = async (showId: number) => {
    const { rows } = await ctx.db.pool.query(
      `SELECT count(*)::int AS n FROM pgboss.job j
        WHERE j.name = 'mail.show-cancelled'
          AND EXISTS (SELECT 1 FROM bookings b WHERE b.show_id = $1 AND b.id = ANY (ARRAY(SELECT jsonb_array_elements_text(j.data->'bookingIds'))::int[]))`,
      [showId],
    );
    return rows[0].n as number;
  };
  const mailJobsDone = () =>
    waitFor('the mail jobs to finish', async () => {
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE 'mail.%' AND state <> 'completed'`);
      return rows[0].n === 0;
    });

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ({ ctx, api, admin, john, jane, movieId, newShow } = await bookingWorld({
      clock,
      env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', CINEMA_NAME: 'Roxy', REMINDER_HOURS_BEFORE: '24' },
    }));
    staff = await signupStaff(ctx.http, admin);
  });

  afterAll(async () => {
    await ctx?.teardown();
    await mailbox?.stop();
  });

  beforeEach(() => clock.set(new Date()));

  it('cancels every booking (a checked-in one too) and hold, frees every seat and the screen, and tells each customer once', async () => {
    const show = await newShow(30);
    // Half an hour before the show: the door is open, and the hold is still running when the show is cancelled.
    clock.set(new Date(Date.parse(show.date_time) - 30 * 60_000));
    await api.book(john, show.id, [1, 2]).expect(201);
    const [janes] = (await api.book(jane, show.id, [5]).expect(201)).body;
    await api.checkIn(staff, janes.ticket_code, show.id).expect(201);
    const hold = (await api.hold(john, show.id, [20, 21]).expect(201)).body;
    const sameSlot = { screen_name: show.screen_name, date_time: show.date_time, total_seats: 10 };
    expectProblem(await api.createShow(admin, movieId, sameSlot).expect(409), 409, 'SCREEN_BUSY');

    const cancelled = await api.cancelShow(admin, show.id).expect(200);
    const now = clock.now().toISOString();
    expect(cancelled.body).toMatchObject({ id: show.id, status: 'cancelled', cancelled_at: now, available_seats: 30, booked_seats: 0, held_seats: 0 });

    expect((await bookingsOf(ctx.db.pool, show.id)).map(({ seat_number, status, cancelled_at }) => ({ seat_number, status, cancelled_at }))).toEqual([
      { seat_number: 1, status: 'cancelled', cancelled_at: now },
      { seat_number: 2, status: 'cancelled', cancelled_at: now },
      { seat_number: 5, status: 'cancelled', cancelled_at: now },
    ]);
    expect(await holdsOf(ctx.db.pool, show.id)).toEqual([{ id: hold.id, status: 'released' }]);
    const map = (await api.seatMap(show.id).expect(200)).body;
    expect(map).toMatchObject({ show_status: 'cancelled', available_seats: 30 });
    expect(map.seats.filter((seat: { status: string }) => seat.status !== 'available')).toEqual([]);
    expect((await api.show(show.id).expect(200)).body).toMatchObject({ status: 'cancelled', cancelled_at: now });
    expect((await api.movieShows(movieId).expect(200)).body.find((s: { id: number }) => s.id === show.id)).toMatchObject({ status: 'cancelled' });
    const johns = (await api.myBookings(john, { show_id: show.id }).expect(200)).body;
    expect(johns.map((b: { status: string; show_status: string }) => [b.status, b.show_status])).toEqual([
      ['cancelled', 'cancelled'],
      ['cancelled', 'cancelled'],
    ]);

    // Its screen is free: another show may take the slot.
    await api.createShow(admin, movieId, sameSlot).expect(201);

    // One message per customer, naming their seats; the checked-in ticket's holder is told too.
    const [johnsNotice] = await waitForNotice(john);
    expect(johnsNotice.subject).toMatch(new RegExp(`^Roxy: show cancelled, ${show.movie_title} on `));
    expect(johnsNotice.text).toContain('Your bookings of seats A1, A2 are cancelled with it');
    expect(johnsNotice.html).toContain('Roxy');
    const [janesNotice] = await waitForNotice(jane);
    expect(janesNotice.text).toContain('Your booking of seat A5 is cancelled with it');
    await mailJobsDone();
    expect([cancelNotices(john).length, cancelNotices(jane).length]).toEqual([1, 1]);
  });

  async function waitForNotice(user: TestUser) {
    await waitFor(`a show-cancelled message to ${user.username}`, () => cancelNotices(user).length > 0, 15_000);
    return cancelNotices(user);
  }

  it('afterwards refuses bookings, holds, confirmations, changes and a second cancellation: 409 SHOW_CANCELLED', async () => {
    const show = await newShow(30);
    const hold = (await api.hold(jane, show.id, [3]).expect(201)).body;
    await api.cancelShow(admin, show.id).expect(200);

    const pool = ctx.db.pool;
    expectProblem(await expectUnchanged(pool, () => api.book(john, show.id, 1)), 409, 'SHOW_CANCELLED');
    expectProblem(await expectUnchanged(pool, () => api.book(john, show.id, [1, 2])), 409, 'SHOW_CANCELLED');
    // Before a seat the show does not have, and one no show has.
    expectProblem(await expectUnchanged(pool, () => api.book(john, show.id, [31])), 409, 'SHOW_CANCELLED');
    expectProblem(await expectUnchanged(pool, () => api.book(john, show.id, [5000])), 409, 'SHOW_CANCELLED');
    expectProblem(await expectUnchanged(pool, () => api.hold(john, show.id, [1])), 409, 'SHOW_CANCELLED');
    expectProblem(await expectUnchanged(pool, () => api.confirm(jane, hold.id)), 409, 'SHOW_CANCELLED');
    expectProblem(await expectUnchanged(pool, () => api.updateShow(admin, show.id, { total_seats: 40 })), 409, 'SHOW_CANCELLED');
    const again = expectProblem(await expectUnchanged(pool, () => api.cancelShow(admin, show.id)), 409, 'SHOW_CANCELLED');
    expect(again.detail).toBe('The show is already cancelled.');
    // Releasing the ended hold changes nothing, as for any hold that has ended.
    await api.release(jane, hold.id).expect(204);
  });

  it('is for admins: customers and staff get 403, no token 401, an unknown show 404', async () => {
    const show = await newShow(10);
    expectProblem(await api.cancelShow(john, show.id).expect(403), 403);
    expectProblem(await api.cancelShow(staff, show.id).expect(403), 403);
    expectProblem(await api.cancelShow(undefined, show.id).expect(401), 401);
    expectProblem(await api.cancelShow(admin, 2_000_000_000).expect(404), 404, 'SHOW_NOT_FOUND');
    expect((await api.show(show.id).expect(200)).body.status).toBe('scheduled');
  });

  it('may cancel a show that has started', async () => {
    const show = await newShow(10);
    await api.book(john, show.id, 4).expect(201);
    clock.set(new Date(Date.parse(show.date_time) + 10 * 60_000));
    expect((await api.cancelShow(admin, show.id).expect(200)).body.status).toBe('cancelled');
    expect((await bookingsOf(ctx.db.pool, show.id)).map((b) => b.status)).toEqual(['cancelled']);
  });

  it('a cancellation that fails and rolls back changes nothing and queues no message', async () => {
    const show = await newShow(10);
    await api.book(john, show.id, [7]).expect(201);
    await ctx.db.pool.query(`CREATE FUNCTION refuse_cancelling() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await ctx.db.pool.query(
      `CREATE TRIGGER refuse_cancelling BEFORE UPDATE OF status ON shows FOR EACH ROW WHEN (NEW.id = ${Number(show.id)}) EXECUTE FUNCTION refuse_cancelling()`,
    );
    try {
      // The show's status is the last step: by then the bookings were cancelled and their messages queued.
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.cancelShow(admin, show.id)), 500);
    } finally {
      await ctx.db.pool.query(`DROP TRIGGER refuse_cancelling ON shows; DROP FUNCTION refuse_cancelling()`);
    }
    expect((await api.show(show.id).expect(200)).body.status).toBe('scheduled');
    expect(await showCancelledJobs(show.id)).toBe(0);

    await api.cancelShow(admin, show.id).expect(200);
    expect(await showCancelledJobs(show.id)).toBe(1);
  });

  it('sends no reminder for a cancelled show', async () => {
    const startsAt = Date.now() + 72 * HOUR;
    const show = await newShow(10, { date_time: new Date(startsAt).toISOString() });
    await api.book(jane, show.id, [1]).expect(201);
    await api.cancelShow(admin, show.id).expect(200);
    clock.set(new Date(startsAt - 23 * HOUR));
    expect(await ctx.app.get(BookingMail).sweepReminders()).toBe(0);
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1 AND reminded_for IS NOT NULL`, [show.id]);
    expect(rows[0].n).toBe(0);
  });

  it('a booking that waited for its seat while the show was being cancelled is refused SHOW_CANCELLED, and books nothing', async () => {
    const show = await newShow(10);
    const [janes] = (await api.book(jane, show.id, [1]).expect(201)).body;
    // Hold jane's booking row, the last thing the cancellation locks: it waits there, every seat of the show locked.
    const locker = await ctx.db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM bookings WHERE id = $1 FOR UPDATE', [janes.id]);
      const lockerPid = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const cancelling = sendNow(api.cancelShow(admin, show.id));
      await waitFor('the cancellation to wait for the booking row', () => isBlockingSomeone(ctx.db.pool, lockerPid));
      const { rows } = await ctx.db.pool.query(`SELECT pid FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))`, [lockerPid]);
      const cancelPid = rows[0].pid as number;

      // A booking of a free seat now waits for that seat's lock; its snapshot is from before the cancellation commits.
      const booking = sendNow(api.book(john, show.id, [3]));
      await waitFor("the booking to wait for the cancellation's seat lock", () => isBlockingSomeone(ctx.db.pool, cancelPid));
      await locker.query('ROLLBACK');

      expect((await cancelling).status).toBe(200);
      expectProblem(await booking, 409, 'SHOW_CANCELLED');
    } finally {
      locker.release();
    }
    expect((await bookingsOf(ctx.db.pool, show.id)).map((b) => [b.seat_number, b.status])).toEqual([[1, 'cancelled']]);
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM seats WHERE show_id = $1 AND (booking_id IS NOT NULL OR hold_id IS NOT NULL)`, [show.id]);
    expect(rows[0].n).toBe(0);
  });
});
