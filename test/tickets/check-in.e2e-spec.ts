import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupStaff, TestUser } from '../factories';
import { sendNow } from '../support/api';
import { tally } from '../support/answers';
import { bookingById, expectUnchanged } from '../support/db';
import { expectProblem, invalidFields, ISO_UTC } from '../support/problem';
import { lockWaiters, waitFor } from '../support/wait';

const MINUTE = 60_000;

/** The value of one sample of the Prometheus text, 0 when it is not there yet. */
const sample = (text: string, series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.slice(series.length + 1) ?? 0);

describe('check-in at the door (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let staff: TestUser;

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock }));
    staff = await signupStaff(ctx.http, admin);
  });

  // Time only moves when a test moves it; each test starts at the real now.
  beforeEach(() => clock.set(new Date()));

  afterAll(() => ctx?.teardown());

  /** A show a day ahead (a day that the access tokens outlive), on a screen of its own. */
  const tomorrowsShow = (totalSeats: number) => newShow(totalSeats, { date_time: new Date(clock.now().getTime() + 24 * 60 * MINUTE).toISOString() });

  /** A show a day ahead, john's booking of `seat` in it, and the clock moved to `minutesBefore` its start. */
  async function bookedTicket(seat = 1, totalSeats = 10, minutesBefore = 10) {
    const show = await tomorrowsShow(totalSeats);
    const booking = (await api.book(john, show.id, seat).expect(201)).body;
    clock.set(new Date(new Date(show.date_time).getTime() - minutesBefore * MINUTE));
    return { show, booking };
  }

  it('lets a ticket in: 201 with the booking, its show, its seat and the time, which the booking keeps', async () => {
    const { show, booking } = await bookedTicket(47, 100);
    const res = await api.checkIn(staff, booking.ticket_code, show.id).expect(201);
    expect(res.body).toEqual({ booking_id: booking.id, show_id: show.id, seat_number: 47, seat_label: 'C7', checked_in_at: clock.now().toISOString() });
    expect(await bookingById(ctx.db.pool, booking.id)).toEqual({ ...booking, checked_in_at: clock.now().toISOString() });
    const mine = await api.myBookings(john, { show_id: show.id }).expect(200);
    expect(mine.body[0]).toMatchObject({ id: booking.id, checked_in_at: res.body.checked_in_at });
  });

  it('lets a ticket in without a show_id (any show), and admins check in too', async () => {
    const first = await bookedTicket(1);
    await api.checkIn(staff, first.booking.ticket_code).expect(201);
    const second = await bookedTicket(2);
    await api.checkIn(admin, second.booking.ticket_code, second.show.id).expect(201);
  });

  describe('refusals: one statement decides, answers problem+json and changes nothing', () => {
    it('404 TICKET_NOT_FOUND for a code no ticket has', async () => {
      await bookedTicket();
      const res = await expectUnchanged(ctx.db.pool, () => api.checkIn(staff, 'n2b9QNCUQXOK2OyeE3Mj11SAZ06zzEwGtmm-YoKFHJU'));
      expectProblem(res, 404, 'TICKET_NOT_FOUND');
    });

    it('409 ALREADY_CHECKED_IN the second time, with the first time as evidence', async () => {
      const { show, booking } = await bookedTicket();
      const first = await api.checkIn(staff, booking.ticket_code, show.id).expect(201);
      clock.advance(5 * MINUTE);
      const again = await expectUnchanged(ctx.db.pool, () => api.checkIn(staff, booking.ticket_code, show.id));
      expect(expectProblem(again, 409, 'ALREADY_CHECKED_IN')).toMatchObject({
        booking_id: booking.id,
        seat_label: 'A1',
        checked_in_at: first.body.checked_in_at,
      });
    });

    it('409 TICKET_CANCELLED for a cancelled booking', async () => {
      const { show, booking } = await bookedTicket();
      await api.cancel(john, booking.id).expect(200);
      const res = await expectUnchanged(ctx.db.pool, () => api.checkIn(staff, booking.ticket_code, show.id));
      expect(expectProblem(res, 409, 'TICKET_CANCELLED')).toMatchObject({ booking_id: booking.id });
    });

    it("409 WRONG_SHOW at another show's door, naming the ticket's show", async () => {
      const { show, booking } = await bookedTicket();
      const other = await tomorrowsShow(5);
      const res = await expectUnchanged(ctx.db.pool, () => api.checkIn(staff, booking.ticket_code, other.id));
      expect(expectProblem(res, 409, 'WRONG_SHOW')).toMatchObject({ booking_id: booking.id, show_id: show.id });
    });

    it('409 TOO_EARLY more than CHECK_IN_OPENS_MINUTES (60) before the show, by the clock; in from the minute the door opens', async () => {
      const { show, booking } = await bookedTicket(3, 10, 60);
      const opensAt = clock.now().toISOString();
      clock.advance(-1);
      const early = await expectUnchanged(ctx.db.pool, () => api.checkIn(staff, booking.ticket_code, show.id));
      expect(expectProblem(early, 409, 'TOO_EARLY')).toMatchObject({ booking_id: booking.id, opens_at: opensAt });
      clock.set(new Date(Date.now()));
      expectProblem(await api.checkIn(staff, booking.ticket_code, show.id), 409, 'TOO_EARLY');
      clock.set(new Date(opensAt));
      const res = await api.checkIn(staff, booking.ticket_code, show.id).expect(201);
      expect(res.body.checked_in_at).toBe(opensAt);
    });

    it('in order: a cancelled ticket of another show is TICKET_CANCELLED; a checked-in one at the wrong door is WRONG_SHOW', async () => {
      const cancelled = await bookedTicket(4);
      await api.cancel(john, cancelled.booking.id).expect(200);
      const other = await tomorrowsShow(5);
      expectProblem(await api.checkIn(staff, cancelled.booking.ticket_code, other.id), 409, 'TICKET_CANCELLED');
      const admitted = await bookedTicket(5);
      await api.checkIn(staff, admitted.booking.ticket_code).expect(201);
      expectProblem(await api.checkIn(staff, admitted.booking.ticket_code, other.id), 409, 'WRONG_SHOW');
    });

    it('400 VALIDATION_FAILED for a body that is no ticket code: missing, not a string, another alphabet, null show_id', async () => {
      const { booking } = await bookedTicket();
      expect(invalidFields(await api.checkIn(staff, { body: {} }))).toEqual(['ticket_code']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: 42 } }))).toEqual(['ticket_code']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: 'not a code!' } }))).toEqual(['ticket_code']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: 'x\u0000y' } }))).toEqual(['ticket_code']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: 'a'.repeat(257) } }))).toEqual(['ticket_code']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: booking.ticket_code, show_id: null } }))).toEqual(['show_id']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: booking.ticket_code, show_id: '1' } }))).toEqual(['show_id']);
      expect(invalidFields(await api.checkIn(staff, { body: { ticket_code: booking.ticket_code, seat: 1 } }))).toEqual(['seat']);
      expect((await bookingById(ctx.db.pool, booking.id))?.checked_in_at).toBeNull();
    });

    it('403 FORBIDDEN for a customer, even with their own ticket; 401 without a token', async () => {
      const { show, booking } = await bookedTicket();
      expectProblem(await expectUnchanged(ctx.db.pool, () => api.checkIn(john, booking.ticket_code, show.id)), 403, 'FORBIDDEN');
      expectProblem(await api.checkIn(jane, booking.ticket_code, show.id), 403, 'FORBIDDEN');
      expectProblem(await api.checkIn(undefined, booking.ticket_code, show.id), 401);
    });
  });

  it('20 scanners of one ticket at once: exactly one 201, 19 × 409 ALREADY_CHECKED_IN naming its time, decided by the database', async () => {
    const { show, booking } = await bookedTicket();
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.checkIn(staff, booking.ticket_code, show.id)));
    expect(tally(answers)).toEqual({ '201': 1, '409 ALREADY_CHECKED_IN': 19 });
    const admitted = answers.find((res) => res.status === 201)!.body;
    for (const res of answers.filter((r) => r.status === 409)) expect(res.body.checked_in_at).toBe(admitted.checked_in_at);
    expect((await bookingById(ctx.db.pool, booking.id))?.checked_in_at).toBe(admitted.checked_in_at);
  });

  it('scanners queued behind a lock on the booking: the first in is admitted, every other finds it checked in (the row lock decides)', async () => {
    const { show, booking } = await bookedTicket();
    const holder = await ctx.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM bookings WHERE id = $1 FOR UPDATE', [booking.id]);
      const pending = Array.from({ length: 6 }, () => sendNow(api.checkIn(staff, booking.ticket_code, show.id)));
      // All six wait for the row at once; without the lock in CHECK_IN each would decide on its own snapshot and let the ticket in.
      await waitFor('six check-ins queued on the booking row', async () => (await lockWaiters(ctx.db.pool)) >= 6);
      await holder.query('ROLLBACK');
      expect(tally(await Promise.all(pending))).toEqual({ '201': 1, '409 ALREADY_CHECKED_IN': 5 });
    } finally {
      holder.release();
    }
  });

  it('a checked-in booking cannot be cancelled: 409 CHECKED_IN for its owner and an admin, and it stays booked', async () => {
    const { show, booking } = await bookedTicket();
    await api.checkIn(staff, booking.ticket_code, show.id).expect(201);
    const before = await bookingById(ctx.db.pool, booking.id);
    expectProblem(await expectUnchanged(ctx.db.pool, () => api.cancel(john, booking.id)), 409, 'CHECKED_IN');
    expectProblem(await api.cancel(admin, booking.id), 409, 'CHECKED_IN');
    expect(await bookingById(ctx.db.pool, booking.id)).toEqual(before);
    expect(before).toMatchObject({ status: 'booked', checked_in_at: expect.stringMatching(ISO_UTC) });
  });

  it("counts a show's door for staff: admitted of expected (active bookings)", async () => {
    const show = await tomorrowsShow(10);
    const bookings = (await api.book(john, show.id, [1, 2, 3]).expect(201)).body;
    await api.book(jane, show.id, 4).expect(201);
    const cancelled = (await api.book(jane, show.id, 5).expect(201)).body;
    await api.cancel(jane, cancelled.id).expect(200);
    clock.set(new Date(new Date(show.date_time).getTime() - 5 * MINUTE));
    expect((await api.checkInCounts(staff, show.id).expect(200)).body).toEqual({ show_id: show.id, admitted: 0, expected: 4 });
    await api.checkIn(staff, bookings[0].ticket_code, show.id).expect(201);
    await api.checkIn(staff, bookings[2].ticket_code, show.id).expect(201);
    expect((await api.checkInCounts(admin, show.id).expect(200)).body).toEqual({ show_id: show.id, admitted: 2, expected: 4 });
    expectProblem(await api.checkInCounts(staff, 2_000_000_000), 404, 'SHOW_NOT_FOUND');
    expectProblem(await api.checkInCounts(john, show.id), 403, 'FORBIDDEN');
  });

  it('counts every scan by outcome in check_ins_total', async () => {
    const scrape = async () => (await ctx.http().get('/metrics').expect(200)).text;
    const before = await scrape();
    const { show, booking } = await bookedTicket();
    await api.checkIn(staff, booking.ticket_code, show.id).expect(201);
    await api.checkIn(staff, booking.ticket_code, show.id).expect(409);
    await api.checkIn(staff, 'nothing-of-the-kind').expect(404);
    const after = await scrape();
    const delta = (outcome: string) => sample(after, `check_ins_total{outcome="${outcome}"}`) - sample(before, `check_ins_total{outcome="${outcome}"}`);
    expect({ admitted: delta('admitted'), again: delta('ALREADY_CHECKED_IN'), unknown: delta('TICKET_NOT_FOUND') }).toEqual({ admitted: 1, again: 1, unknown: 1 });
  });
});
