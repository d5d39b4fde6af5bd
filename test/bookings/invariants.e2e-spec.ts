import { BookingWorld, bookingWorld } from '../factories';
import { bookingsOf, seatOwners } from '../support/db';

/** The constraints attacked straight through SQL, on seats and bookings the app made. */
describe('bookings and holds (e2e): the schema keeps the invariants', () => {
  let { ctx, api, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll

  beforeAll(async () => {
    ({ ctx, api, john, jane, newShow } = await bookingWorld());
  });

  afterAll(() => ctx?.teardown());

  describe('the database itself keeps the invariants', () => {
    it('rejects a second active booking of the same seat inserted straight through SQL (unique violation)', async () => {
      const show = await newShow(3);
      await api.book(john, show.id, 1).expect(201);
      await expect(
        ctx.db.pool.query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $2, 1, 'A1', 'booked')`, [jane.id, show.id]),
      ).rejects.toMatchObject({ code: '23505', constraint: 'bookings_one_active_per_seat' });
      // A cancelled booking of the seat is history and may sit beside the active one.
      await ctx.db.pool.query(
        `INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status, cancelled_at) VALUES ($1, $2, 1, 'A1', 'cancelled', now())`,
        [jane.id, show.id],
      );
      const rows = await bookingsOf(ctx.db.pool, show.id);
      expect(rows.filter((r) => r.status === 'booked')).toHaveLength(1);
    });

    it('rejects two active bookings of one seat even inside one transaction', async () => {
      const show = await newShow(3);
      await expect(
        ctx.db.pool.query(
          `INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $3, 2, 'A2', 'booked'), ($2, $3, 2, 'A2', 'booked')`,
          [john.id, jane.id, show.id],
        ),
      ).rejects.toMatchObject({ code: '23505', constraint: 'bookings_one_active_per_seat' });
      expect(await bookingsOf(ctx.db.pool, show.id)).toEqual([]);
    });

    it('cannot hold a seats row beyond total_seats, neither with the true total nor with a made-up one', async () => {
      const show = await newShow(4);
      await expect(
        ctx.db.pool.query(`INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label) VALUES ($1, 5, 4, 0, 'A', 5, 'A5')`, [show.id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_number_in_range' });
      await expect(
        ctx.db.pool.query(`INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label) VALUES ($1, 5, 5, 0, 'A', 5, 'A5')`, [show.id]),
      ).rejects.toMatchObject({ code: '23503', constraint: 'seats_show_fk' });
      await expect(
        ctx.db.pool.query(`INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label) VALUES ($1, 0, 4, 0, 'A', 0, 'A0')`, [show.id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_number_in_range' });
      const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n, max(seat_number) AS top FROM seats WHERE show_id = $1`, [show.id]);
      expect(rows[0]).toEqual({ n: 4, top: 4 });
    });

    it('cannot book a seat that has no seats row (so never more bookings than seats)', async () => {
      const show = await newShow(2);
      await expect(
        ctx.db.pool.query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $2, 3, 'A3', 'booked')`, [john.id, show.id]),
      ).rejects.toMatchObject({ code: '23503', constraint: 'bookings_seat_fk' });
    });
  });

  describe('the database itself forbids a seat that is both booked and held', () => {
    it('an UPDATE putting a hold on a booked seat fails (CHECK seats_booked_or_held)', async () => {
      const show = await newShow(5);
      const booking = (await api.book(jane, show.id, 1).expect(201)).body;
      const held = (await api.hold(john, show.id, [2]).expect(201)).body;
      await expect(
        ctx.db.pool.query(
          `UPDATE seats SET hold_id = $2, held_by = $3, hold_expires_at = now() + interval '1 hour' WHERE show_id = $1 AND seat_number = 1`,
          [show.id, held.id, john.id],
        ),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_booked_or_held' });
      expect(await seatOwners(ctx.db.pool, show.id)).toEqual({ 1: booking.id });
    });

    it('an UPDATE pointing a held seat at a booking fails too', async () => {
      const show = await newShow(5);
      const held = (await api.hold(john, show.id, [3]).expect(201)).body;
      // A booking row for the seat, written behind the app's back, so the foreign key is satisfied.
      const { rows } = await ctx.db.pool.query(
        `INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $2, 3, 'A3', 'booked') RETURNING id`,
        [jane.id, show.id],
      );
      await expect(
        ctx.db.pool.query(`UPDATE seats SET booking_id = $2 WHERE show_id = $1 AND seat_number = 3`, [show.id, rows[0].id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'seats_booked_or_held' });
      const seat = await ctx.db.pool.query(`SELECT booking_id, hold_id FROM seats WHERE show_id = $1 AND seat_number = 3`, [show.id]);
      expect(seat.rows[0]).toEqual({ booking_id: null, hold_id: held.id });
    });
  });
});
