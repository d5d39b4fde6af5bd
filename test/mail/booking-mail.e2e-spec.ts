import jsQR from 'jsqr';
import type { Attachment, ParsedMail } from 'mailparser';
import { PNG } from 'pngjs';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld } from '../factories';
import { Mailbox } from '../support/mailbox';
import { expectProblem } from '../support/problem';
import { waitFor } from '../support/wait';

/** What the QR image says, read as a phone would: PNG decoded, QR decoded. */
function qrText(image: Attachment): string | undefined {
  const png = PNG.sync.read(image.content);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

const inlineImages = (mail: ParsedMail) => mail.attachments.filter((a) => a.contentType === 'image/png' && a.cid);

describe('booking e-mails: tickets with QR codes, the calendar entry, cancellations (e2e, a real SMTP server)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mailbox: Mailbox;
  const emailOf = (user: { username: string }) => `${user.username}@example.com`;

  beforeAll(async () => {
    mailbox = await Mailbox.open();
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env: { SMTP_URL: mailbox.url, JOBS_POLL_SECONDS: '0.5', CINEMA_NAME: 'Roxy' } }));
  });

  afterAll(async () => {
    await ctx?.teardown();
    await mailbox?.stop();
  });

  it('a booking of two seats: one message, each ticket as an inline QR code that admits it once at the door, and an .ics of the show', async () => {
    const show = await newShow(100);
    const booked = (await api.book(john, show.id, [47, 48]).expect(201)).body as { id: number; ticket_code: string; seat_label: string }[];
    const [mail] = await mailbox.received(emailOf(john));
    expect(mail.subject).toBe(`Roxy: your 2 tickets for ${show.movie_title}`);
    expect(mail.text).toContain('seats C7, C8');

    const images = inlineImages(mail);
    expect(images).toHaveLength(2);
    for (const image of images) expect(mail.html).toContain(`cid:${image.cid}`);
    expect(images.map(qrText).sort()).toEqual(booked.map((b) => b.ticket_code).sort());

    const ics = mail.attachments.find((a) => a.filename === 'show.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const calendar = ics!.content.toString('utf8');
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(calendar).toContain(`DTSTART:${new Date(show.date_time).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
    expect(calendar).toContain(`SUMMARY:${show.movie_title}`);

    // At the door: the code read from the e-mail's image admits the booking once.
    clock.set(new Date(Date.parse(show.date_time) - 30 * 60_000));
    const code = qrText(images[0])!;
    const admitted = await api.checkIn(admin, code, show.id).expect(201);
    expect(booked.map((b) => b.id)).toContain(admitted.body.booking_id);
    expectProblem(await api.checkIn(admin, code, show.id).expect(409), 409, 'ALREADY_CHECKED_IN');
    clock.set(new Date());
  });

  it('a refused booking (seat taken) sends nothing; a cancellation sends its notice', async () => {
    const show = await newShow(20);
    const [booking] = (await api.book(jane, show.id, [5]).expect(201)).body;
    await mailbox.received(emailOf(jane), 1);
    expectProblem(await api.book(john, show.id, [5]).expect(409), 409, 'SEAT_TAKEN');
    await api.cancel(jane, booking.id).expect(200);
    const mails = await mailbox.received(emailOf(jane), 2);
    expect(mails[1].subject).toBe(`Roxy: booking cancelled, ${show.movie_title}, seat A5`);
    // The refused request made no job (the queue holds jane's two, and none of john's for this show).
    await waitFor('the mail jobs of this show to finish', async () => {
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE 'mail.%' AND state <> 'completed'`);
      return rows[0].n === 0;
    });
    const { rows } = await ctx.db.pool.query(
      `SELECT count(*)::int AS n FROM pgboss.job j JOIN bookings b ON b.id = ANY (ARRAY(SELECT jsonb_array_elements_text(j.data->'bookingIds'))::int[]) WHERE b.show_id = $1`,
      [show.id],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('bookings of two customers made together: each message has its own customer’s tickets only', async () => {
    // Made together, their messages are fetched in one batch and read their bookings in one query (coalesced).
    const show = await newShow(40);
    const before = { john: mailbox.to(emailOf(john)).length, jane: mailbox.to(emailOf(jane)).length };
    const [johns, janes] = (await Promise.all([api.book(john, show.id, [10, 11]).expect(201), api.book(jane, show.id, [12]).expect(201)])).map(
      (res) => res.body as { ticket_code: string; seat_label: string }[],
    );
    for (const [user, earlier, booked] of [
      [john, before.john, johns],
      [jane, before.jane, janes],
    ] as const) {
      const mails = await mailbox.received(emailOf(user), earlier + 1);
      expect(mails).toHaveLength(earlier + 1);
      const mail = mails[earlier];
      expect(mail.subject).toBe(`Roxy: your ${booked.length === 1 ? 'ticket' : `${booked.length} tickets`} for ${show.movie_title}`);
      expect(inlineImages(mail).map(qrText).sort()).toEqual(booked.map((b) => b.ticket_code).sort());
      for (const b of [...johns, ...janes]) expect(mail.text!.includes(b.seat_label)).toBe(booked.includes(b));
    }
  });

  it('a confirmed hold sends the tickets too', async () => {
    const show = await newShow(20);
    const before = mailbox.to(emailOf(john)).length;
    const hold = (await api.hold(john, show.id, [1, 2, 3]).expect(201)).body;
    await api.confirm(john, hold.id).expect(201);
    const mails = await mailbox.received(emailOf(john), before + 1);
    expect(mails[before].subject).toBe(`Roxy: your 3 tickets for ${show.movie_title}`);
    expect(inlineImages(mails[before])).toHaveLength(3);
  });
});
