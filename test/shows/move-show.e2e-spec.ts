import type { ParsedMail } from 'mailparser';
import { BookingMail } from '../../src/bookings/booking-mail';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupAndLogin, TestUser, unique } from '../factories';
import { sendNow } from '../support/api';
import { bookingsOf, expectUnchanged } from '../support/db';
import { Mailbox } from '../support/mailbox';
import { expectProblem, invalidFields } from '../support/problem';
import { isBlockingSomeone, lockWaiters, waitFor } from '../support/wait';

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** A time as the messages write it. */
const utc = (at: string) => new Date(at).toUTCString().replace(/:\d\d GMT$/, ' UTC');

describe('moving a show that has booked or held seats: PATCH /shows/{id}/ (e2e, a real SMTP server)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mailbox: Mailbox;
  const emailOf = (user: { username: string }) => `${user.username}@example.com`;
  const moveNotices = (user: { username: string }) => mailbox.to(emailOf(user)).filter((mail) => mail.subject?.startsWith('Roxy: show moved, '));
  const sweep = () => ctx.app.get(BookingMail).sweepReminders();
  /** The show-moved jobs written for bookings of this show. */
  const movedJobs = async (showId: number) => {
    const { rows } = await ctx.db.pool.query(
      `SELECT count(*)::int AS n FROM pgboss.job j
        WHERE j.name = 'mail.show-moved'
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
  /** The start each booked booking of the show was reminded for. */
  const remindedFor = async (showId: number) =>
    (await ctx.db.pool.query(`SELECT reminded_for FROM bookings WHERE show_id = $1 AND status = 'booked' ORDER BY id`, [showId])).rows.map(
      (row: { reminded_for: Date | null }) => row.reminded_for?.toISOString() ?? null,
    );
  const showRow = async (showId: number) =>
    (await ctx.db.pool.query(`SELECT screen_name, date_time, ends_at, total_seats FROM shows WHERE id = $1`, [showId])).rows[0] as Record<string, unknown>;

  async function waitForNotices(user: TestUser, count = 1): Promise<ParsedMail[]> {
    await waitFor(`${count} show-moved message(s) to ${user.username}`, () => moveNotices(user).length >= count, 15_000);
    return moveNotices(user);
  }

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({
      clock,
      env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', CINEMA_NAME: 'Roxy', REMINDER_HOURS_BEFORE: '24' },
    }));
  });

  afterAll(async () => {
    await ctx?.teardown();
    await mailbox?.stop();
  });

  beforeEach(() => clock.set(new Date()));

  it('without notify_customers: 409 SHOW_HAS_BOOKINGS with the booked and held counts, and nothing changes', async () => {
    const show = await newShow(20);
    await api.book(john, show.id, [1, 2]).expect(201);
    await api.book(jane, show.id, [5]).expect(201);
    await api.hold(jane, show.id, [7, 8]).expect(201);
    const before = await showRow(show.id);
    const later = iso(Date.parse(show.date_time) + 2 * HOUR);

    for (const body of [
      { date_time: later },
      { screen_name: `${show.screen_name} B` },
      { date_time: later, notify_customers: false },
      { date_time: later, total_seats: 30 },
    ]) {
      const problem = expectProblem(await expectUnchanged(ctx.db.pool, () => api.updateShow(admin, show.id, body)), 409, 'SHOW_HAS_BOOKINGS');
      expect(problem).toMatchObject({ booked: 3, held: 2 });
      expect(problem.detail).toContain('notify_customers');
    }
    expect(await showRow(show.id)).toEqual(before);
    expect(await movedJobs(show.id)).toBe(0);
  });

  it('held seats alone are enough to refuse the move without the flag', async () => {
    const show = await newShow(10);
    await api.hold(john, show.id, [3]).expect(201);
    const problem = expectProblem(await api.updateShow(admin, show.id, { date_time: iso(Date.parse(show.date_time) + HOUR) }), 409, 'SHOW_HAS_BOOKINGS');
    expect(problem).toMatchObject({ booked: 0, held: 1 });
  });

  it('with notify_customers: true moves the show and tells each customer with a booking once, naming their seats, the old and the new time', async () => {
    const show = await newShow(20);
    const ann = await signupAndLogin(ctx.http);
    const bob = await signupAndLogin(ctx.http);
    await api.book(john, show.id, [1, 2]).expect(201);
    // Two requests, one message: the message is per customer, not per booking request.
    await api.book(jane, show.id, [5]).expect(201);
    await api.book(jane, show.id, [6]).expect(201);
    // Nothing booked, nothing to tell: a hold that keeps its seats, and a booking cancelled before the move.
    const annsHold = (await api.hold(ann, show.id, [9]).expect(201)).body;
    const [bobs] = (await api.book(bob, show.id, [10]).expect(201)).body;
    await api.cancel(bob, bobs.id).expect(200);
    const bookingsBefore = await bookingsOf(ctx.db.pool, show.id);

    const movedTo = iso(Date.parse(show.date_time) + 26 * HOUR);
    const screen = `Screen ${unique()}`;
    const moved = await api.updateShow(admin, show.id, { date_time: movedTo, screen_name: screen, notify_customers: true }).expect(200);
    expect(moved.body).toMatchObject({ id: show.id, date_time: movedTo, screen_name: screen, total_seats: 20, booked_seats: 4, held_seats: 1 });

    // Every booking keeps its seat, label and ticket; the hold keeps its seats.
    expect(await bookingsOf(ctx.db.pool, show.id)).toEqual(bookingsBefore);
    const map = (await api.seatMap(show.id).expect(200)).body as { seats: { seat_number: number; status: string }[] };
    expect(map.seats.filter((seat) => seat.status !== 'available').map((seat) => [seat.seat_number, seat.status])).toEqual([
      [1, 'booked'],
      [2, 'booked'],
      [5, 'booked'],
      [6, 'booked'],
      [9, 'held'],
    ]);
    await api.confirm(ann, annsHold.id).expect(201);

    const [johns] = await waitForNotices(john);
    expect(johns.subject).toBe(`Roxy: show moved, ${show.movie_title} now on ${utc(movedTo)}`);
    expect(johns.text).toContain(`${utc(show.date_time)}, ${show.screen_name}`);
    expect(johns.text).toContain(`${utc(movedTo)}, ${screen}`);
    expect(johns.text).toContain('Your seats A1, A2 are kept');
    expect(johns.html).toContain('Roxy');
    const [janes] = await waitForNotices(jane);
    expect(janes.text).toContain('Your seats A5, A6 are kept');
    await mailJobsDone();
    expect([moveNotices(john).length, moveNotices(jane).length, moveNotices(ann).length, moveNotices(bob).length]).toEqual([1, 1, 0, 0]);
  });

  it('a show with no booked or held seats moves as before, with no flag and no message', async () => {
    const show = await newShow(10);
    const [cancelled] = (await api.book(john, show.id, [4]).expect(201)).body;
    await api.cancel(john, cancelled.id).expect(200);
    const movedTo = iso(Date.parse(show.date_time) + 3 * HOUR);
    const res = await api.updateShow(admin, show.id, { date_time: movedTo, screen_name: `${show.screen_name} 2` }).expect(200);
    expect(res.body).toMatchObject({ date_time: movedTo, screen_name: `${show.screen_name} 2` });
    expect(await movedJobs(show.id)).toBe(0);
  });

  it('what does not move the show needs no flag: the same date_time and screen, the price, more seats', async () => {
    const show = await newShow(10);
    await api.book(john, show.id, [1]).expect(201);
    const same = await api.updateShow(admin, show.id, { date_time: show.date_time, screen_name: show.screen_name, total_seats: 12 }).expect(200);
    expect(same.body).toMatchObject({ date_time: show.date_time, screen_name: show.screen_name, total_seats: 12 });
    // The same instant written in another zone is the same time.
    const plusTwo = iso(Date.parse(show.date_time) + 2 * HOUR).replace(/Z$/, '+02:00');
    await api.updateShow(admin, show.id, { date_time: plusTwo }).expect(200);
    expect(await movedJobs(show.id)).toBe(0);
  });

  it('reminders follow the new time: a move into the reminder window is the reminder; a move later is reminded again before the new time', async () => {
    // Other specs' shows start in the same hours: this show's bookings and this customer's mail are what count here.
    const carl = await signupAndLogin(ctx.http);
    const reminders = () => mailbox.to(emailOf(carl)).filter((mail) => / starts /.test(mail.subject ?? ''));
    const startsAt = Date.now() + 72 * HOUR;
    const show = await newShow(10, { date_time: iso(startsAt) });
    await api.book(carl, show.id, [3]).expect(201);
    const reminded = () => remindedFor(show.id);

    // Reminded for its first time.
    clock.set(new Date(startsAt - 23 * HOUR));
    await sweep();
    expect(await reminded()).toEqual([iso(startsAt)]);
    await waitFor('the first reminder', () => reminders().length === 1, 15_000);

    // Moved half an hour later, still within 24 hours: the move's message says the new time, and no reminder follows it.
    const soon = startsAt + HOUR / 2;
    await api.updateShow(admin, show.id, { date_time: iso(soon), notify_customers: true }).expect(200);
    expect(await reminded()).toEqual([iso(soon)]);
    await sweep();
    expect(await reminded()).toEqual([iso(soon)]);
    await waitForNotices(carl, 1);

    // Moved two days later: reminded again 24 hours before the new time, not before.
    const later = soon + 48 * HOUR;
    await api.updateShow(admin, show.id, { date_time: iso(later), notify_customers: true }).expect(200);
    expect(await reminded()).toEqual([iso(soon)]);
    await sweep();
    clock.set(new Date(later - 24 * HOUR - 60_000));
    await sweep();
    expect(await reminded()).toEqual([iso(soon)]);
    clock.set(new Date(later - 23 * HOUR));
    await sweep();
    expect(await reminded()).toEqual([iso(later)]);
    await waitForNotices(carl, 2);
    await waitFor('the second reminder', () => reminders().length === 2, 15_000);
    await mailJobsDone();
    expect([reminders().length, moveNotices(carl).length]).toEqual([2, 2]);
    expect(reminders()[1].subject).toContain(utc(iso(later)));
  });

  it('a show not yet reminded, moved into the reminder window, is not reminded after its move message', async () => {
    const show = await newShow(10);
    await api.book(jane, show.id, [2]).expect(201);
    const soon = clock.now().getTime() + 10 * HOUR;
    await api.updateShow(admin, show.id, { date_time: iso(soon), notify_customers: true }).expect(200);
    expect(await remindedFor(show.id)).toEqual([iso(soon)]);
    clock.set(new Date(soon - HOUR));
    await sweep();
    expect(await remindedFor(show.id)).toEqual([iso(soon)]);
  });

  it('a move that rolls back at commit changes nothing and queues no message', async () => {
    const show = await newShow(10);
    await api.book(john, show.id, [7]).expect(201);
    const before = await showRow(show.id);
    // A deferred trigger fails the transaction at COMMIT, after the messages were added.
    await ctx.db.pool.query(`CREATE FUNCTION refuse_moving() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await ctx.db.pool.query(
      `CREATE CONSTRAINT TRIGGER refuse_moving AFTER UPDATE ON shows DEFERRABLE INITIALLY DEFERRED
         FOR EACH ROW WHEN (NEW.id = ${Number(show.id)}) EXECUTE FUNCTION refuse_moving()`,
    );
    try {
      const moving = () => api.updateShow(admin, show.id, { date_time: iso(Date.parse(show.date_time) + HOUR), notify_customers: true });
      expectProblem(await expectUnchanged(ctx.db.pool, moving), 500);
    } finally {
      await ctx.db.pool.query(`DROP TRIGGER refuse_moving ON shows; DROP FUNCTION refuse_moving()`);
    }
    expect(await showRow(show.id)).toEqual(before);
    expect(await movedJobs(show.id)).toBe(0);

    await api.updateShow(admin, show.id, { date_time: iso(Date.parse(show.date_time) + HOUR), notify_customers: true }).expect(200);
    expect(await movedJobs(show.id)).toBe(1);
  });

  it('a booking in flight when the move starts is counted: the move waits for its seat, then is refused', async () => {
    const show = await newShow(10);
    // Hold seat 3's row: a booking of it waits there, and so does the move, behind the booking.
    const locker = await ctx.db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM seats WHERE show_id = $1 AND seat_number = 3 FOR UPDATE', [show.id]);
      const lockerPid = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const booking = sendNow(api.book(john, show.id, [3]));
      await waitFor("the booking to wait for seat 3's lock", () => isBlockingSomeone(ctx.db.pool, lockerPid));
      const move = sendNow(api.updateShow(admin, show.id, { date_time: iso(Date.parse(show.date_time) + HOUR) }));
      await waitFor('the move to wait behind the booking', async () => (await lockWaiters(ctx.db.pool)) >= 2);
      await locker.query('ROLLBACK');

      expect((await booking).status).toBe(201);
      const problem = expectProblem(await move, 409, 'SHOW_HAS_BOOKINGS');
      expect(problem).toMatchObject({ booked: 1, held: 0 });
    } finally {
      locker.release();
    }
    expect((await api.show(show.id).expect(200)).body.date_time).toBe(show.date_time);
  });

  it('checks notify_customers strictly: a boolean, and not a change on its own', async () => {
    const show = await newShow(10);
    const later = iso(Date.parse(show.date_time) + HOUR);
    expect(invalidFields(await api.updateShow(admin, show.id, { date_time: later, notify_customers: 'true' }))).toEqual(['notify_customers']);
    expect(invalidFields(await api.updateShow(admin, show.id, { date_time: later, notify_customers: null }))).toEqual(['notify_customers']);
    expect(invalidFields(await api.updateShow(admin, show.id, { date_time: later, notify_customers: 1 }))).toEqual(['notify_customers']);
    expectProblem(await api.updateShow(admin, show.id, { notify_customers: true }), 400, 'VALIDATION_FAILED');
    expect((await api.show(show.id).expect(200)).body.date_time).toBe(show.date_time);
  });
});
