import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { BookingWorld, bookingWorld, signupStaff, TestUser } from '../factories';
import { SEAT_LABEL, TICKET_CODE } from '../support/answers';
import { expectProblem } from '../support/problem';
import { range } from '../support/seats';

/** What a door scanner reads from a PNG: the QR code's text, or null. */
function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

describe('tickets (e2e): every booking has a ticket code, shown only to its owner and admins', () => {
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let staff: TestUser;

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld());
    staff = await signupStaff(ctx.http, admin);
  });

  afterAll(() => ctx?.teardown());

  describe('ticket codes', () => {
    it('every booking gets its own: 43 URL-safe characters (244 random bits), each different, from booking, confirm and my-bookings alike', async () => {
      const show = await newShow(60);
      const one = (await api.book(john, show.id, 1).expect(201)).body;
      const many = (await api.book(john, show.id, range(2, 11)).expect(201)).body;
      const hold = (await api.hold(jane, show.id, [20, 21]).expect(201)).body;
      const confirmed = (await api.confirm(jane, hold.id).expect(201)).body;
      const codes: string[] = [one, ...many, ...confirmed].map((booking) => booking.ticket_code);
      for (const code of codes) expect(code).toMatch(TICKET_CODE);
      expect(new Set(codes).size).toBe(13);
      const mine = (await api.myBookings(john, { show_id: show.id }).expect(200)).body;
      expect(new Map(mine.map((b: { id: number; ticket_code: string }) => [b.id, b.ticket_code]))).toEqual(
        new Map([one, ...many].map((b: { id: number; ticket_code: string }) => [b.id, b.ticket_code])),
      );
      // Many bookings' worth: no code repeats, and the text is URL-safe as it is.
      const { rows } = await ctx.db.pool.query<{ codes: number; distinct_codes: number; unsafe: number }>(
        `SELECT count(*)::int AS codes, count(DISTINCT ticket_code)::int AS distinct_codes,
                count(*) FILTER (WHERE ticket_code !~ '^[A-Za-z0-9_-]{43}$')::int AS unsafe FROM bookings`,
      );
      expect(rows[0].distinct_codes).toBe(rows[0].codes);
      expect(rows[0].unsafe).toBe(0);
    });

    it('the database refuses two bookings with one code (bookings_ticket_code_key)', async () => {
      const show = await newShow(3);
      const booking = (await api.book(john, show.id, 1).expect(201)).body;
      await expect(
        ctx.db.pool.query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status, cancelled_at, ticket_code) VALUES ($1, $2, 2, 'A2', 'cancelled', now(), $3)`, [
          jane.id,
          show.id,
          booking.ticket_code,
        ]),
      ).rejects.toMatchObject({ code: '23505', constraint: 'bookings_ticket_code_key' });
    });

    it("nobody else sees a booking's code: not another customer's lists, not the seat map, not door staff reading the ticket", async () => {
      const show = await newShow(10);
      const booking = (await api.book(john, show.id, 4).expect(201)).body;
      const refused = [await api.ticketPng(jane, booking.id), await api.ticketPng(staff, booking.id)];
      for (const res of refused) expectProblem(res, 403, 'NOT_BOOKING_OWNER');
      const seen = [
        await api.myBookings(jane).expect(200),
        await api.myBookings(staff).expect(200),
        await api.seatMap(show.id).expect(200),
        await api.show(show.id).expect(200),
        ...refused,
      ];
      for (const res of seen) expect(JSON.stringify(res.body)).not.toContain(booking.ticket_code);
      // An admin may: cancelling for the customer answers the booking, code included.
      expect((await api.cancel(admin, booking.id).expect(200)).body.ticket_code).toBe(booking.ticket_code);
    });
  });

  describe('GET /bookings/{id}/ticket.png', () => {
    it("is a PNG QR code of the ticket's code, for its owner and for admins, never cached", async () => {
      const show = await newShow(10);
      const booking = (await api.book(john, show.id, 7).expect(201)).body;
      for (const caller of [john, admin]) {
        const res = await api.ticketPng(caller, booking.id).expect(200);
        expect(res.headers['content-type']).toBe('image/png');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(Buffer.isBuffer(res.body)).toBe(true);
        expect(decodeQr(res.body)).toBe(booking.ticket_code);
      }
    });

    it('404 BOOKING_NOT_FOUND for no such booking, 403 NOT_BOOKING_OWNER for another customer, 400 for a bad id, 401 without a token', async () => {
      const show = await newShow(10);
      const booking = (await api.book(john, show.id, 8).expect(201)).body;
      expectProblem(await api.ticketPng(john, 2_000_000_000), 404, 'BOOKING_NOT_FOUND');
      const refused = await api.ticketPng(jane, booking.id);
      expectProblem(refused, 403, 'NOT_BOOKING_OWNER');
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectProblem(await api.ticketPng(john, 'abc'), 400, 'VALIDATION_FAILED');
      expectProblem(await api.ticketPng(undefined, booking.id), 401);
    });
  });

  describe('seat labels: as the web app draws the map, kept by the booking', () => {
    it.each([
      [100, 47, 'C7'],
      [100, 1, 'A1'],
      [100, 100, 'E20'],
      [20, 20, 'A20'],
      [21, 11, 'A11'],
      [21, 12, 'B1'],
      [21, 21, 'B10'],
      [41, 15, 'B1'],
      // The web app fills rows of ceil(61 / 4) = 16 and leaves the rest to the last: 16, 16, 16, 13.
      [61, 61, 'D13'],
      [2000, 2000, 'CV20'],
      [2000, 521, 'AA1'],
    ])('%i seats: seat %i is %s', async (total, seat, label) => {
      const show = await newShow(total);
      const booking = (await api.book(john, show.id, seat).expect(201)).body;
      expect(booking.seat_label).toBe(label);
      expect(booking.seat_label).toMatch(SEAT_LABEL);
    });

    it('a booking keeps the label it was sold with when the show grows; new bookings are labelled anew', async () => {
      const show = await newShow(21);
      const sold = (await api.book(john, show.id, 12).expect(201)).body;
      expect(sold.seat_label).toBe('B1');
      await api.updateShow(admin, show.id, { total_seats: 40 }).expect(200);
      const later = (await api.book(jane, show.id, 13).expect(201)).body;
      expect(later.seat_label).toBe('A13');
      const mine = (await api.myBookings(john, { show_id: show.id }).expect(200)).body;
      expect(mine[0]).toMatchObject({ id: sold.id, seat_label: 'B1' });
    });
  });
});
