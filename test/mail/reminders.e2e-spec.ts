import { ManualClock } from '../../src/common/clock';
import { BookingMail } from '../../src/bookings/booking-mail';
import { BookingWorld, bookingWorld } from '../factories';
import { Mailbox } from '../support/mailbox';

const HOUR = 3600_000;

describe('show reminders, REMINDER_HOURS_BEFORE the show by the Clock (e2e, a real SMTP server)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mailbox: Mailbox;
  const emailOf = (user: { username: string }) => `${user.username}@example.com`;
  const sweep = () => ctx.app.get(BookingMail).sweepReminders();
  const reminders = (user: { username: string }) => mailbox.to(emailOf(user)).filter((mail) => / starts /.test(mail.subject ?? ''));

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', REMINDER_HOURS_BEFORE: '24' } }));
  });

  afterAll(async () => {
    await ctx?.teardown();
    await mailbox?.stop();
  });

  beforeEach(() => clock.set(new Date()));

  it('one reminder per customer and show, once, when the show is 24 hours away; a moved show is reminded again; a cancelled booking is not', async () => {
    const startsAt = Date.now() + 72 * HOUR;
    const show = await newShow(20, { date_time: new Date(startsAt).toISOString() });
    await api.book(john, show.id, [1, 2]).expect(201);
    const [cancelled] = (await api.book(jane, show.id, [3]).expect(201)).body;
    await api.cancel(jane, cancelled.id).expect(200);

    clock.set(new Date(startsAt - 25 * HOUR));
    expect(await sweep()).toBe(0);
    clock.set(new Date(startsAt - 24 * HOUR + 60_000));
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);
    await mailbox.received(emailOf(john), 2);
    const [reminder] = reminders(john);
    expect(reminder.subject).toMatch(new RegExp(`${show.movie_title} starts `));
    expect(reminder.text).toContain('Your seats: A1, A2.');

    // Moved two days later (its customers told, so a message of its own): reminded again before the new time, not before.
    const movedTo = startsAt + 48 * HOUR;
    await api.updateShow(admin, show.id, { date_time: new Date(movedTo).toISOString(), notify_customers: true }).expect(200);
    expect(await sweep()).toBe(0);
    clock.set(new Date(movedTo - 23 * HOUR));
    expect(await sweep()).toBe(1);
    await mailbox.received(emailOf(john), 4);
    expect(reminders(john)).toHaveLength(2);
    expect(reminders(jane)).toEqual([]);
  });

  it('a booking made inside the 24 hours gets its confirmation, and no reminder', async () => {
    const startsAt = Date.now() + 30 * HOUR;
    const show = await newShow(20, { date_time: new Date(startsAt).toISOString() });
    clock.set(new Date(startsAt - 10 * HOUR));
    const before = reminders(jane).length;
    await api.book(jane, show.id, [7]).expect(201);
    expect(await sweep()).toBe(0);
    expect(reminders(jane)).toHaveLength(before);
  });
});
