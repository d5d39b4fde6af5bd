import { insertBookings, insertHold, insertShow, insertUser, migratedDatabase, MigratedDatabase } from './migrated-database';

/**
 * The rules that hold even if the code were wrong: attacked straight through
 * SQL on a migrated database, with no app in between.
 */
describe('the database keeps the invariants by itself (a migrated database, no HTTP)', () => {
  let database: MigratedDatabase;
  let john: number;
  let jane: number;
  const inAnHour = () => new Date(Date.now() + 3600_000);

  beforeAll(async () => {
    database = await migratedDatabase();
    [john, jane] = [await insertUser(database), await insertUser(database)];
  });
  afterAll(() => database?.drop());

  const query = (text: string, params: unknown[] = []) => database.pool.query(text, params);
  const activeBookings = async (showId: number) =>
    (await query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1 AND status = 'booked'`, [showId])).rows[0].n;

  it('rejects a second active booking of the same seat (unique violation); a cancelled one may sit beside it', async () => {
    const show = await insertShow(database, 3);
    await insertBookings(database, john, show, [1]);
    await expect(query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $2, 1, 'A1', 'booked')`, [jane, show])).rejects.toMatchObject({
      code: '23505',
      constraint: 'bookings_one_active_per_seat',
    });
    await query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status, cancelled_at) VALUES ($1, $2, 1, 'A1', 'cancelled', now())`, [jane, show]);
    expect(await activeBookings(show)).toBe(1);
  });

  it('rejects two active bookings of one seat even inside one statement', async () => {
    const show = await insertShow(database, 3);
    await expect(
      query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $3, 2, 'A2', 'booked'), ($2, $3, 2, 'A2', 'booked')`, [john, jane, show]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'bookings_one_active_per_seat' });
    expect(await activeBookings(show)).toBe(0);
  });

  it('cannot hold a seats row beyond total_seats, neither with the true total nor with a made-up one', async () => {
    const show = await insertShow(database, 4);
    await expect(query(`INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label) VALUES ($1, 5, 4, 0, 'A', 5, 'A5')`, [show])).rejects.toMatchObject({
      code: '23514',
      constraint: 'seats_number_in_range',
    });
    await expect(query(`INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label) VALUES ($1, 5, 5, 0, 'A', 5, 'A5')`, [show])).rejects.toMatchObject({
      code: '23503',
      constraint: 'seats_show_fk',
    });
    await expect(query(`INSERT INTO seats (show_id, seat_number, total_seats, row_index, row_label, place, label) VALUES ($1, 0, 4, 0, 'A', 0, 'A0')`, [show])).rejects.toMatchObject({
      code: '23514',
      constraint: 'seats_number_in_range',
    });
    const { rows } = await query(`SELECT count(*)::int AS n, max(seat_number) AS top FROM seats WHERE show_id = $1`, [show]);
    expect(rows[0]).toEqual({ n: 4, top: 4 });
  });

  it('cannot book a seat that has no seats row (so never more bookings than seats)', async () => {
    const show = await insertShow(database, 2);
    await expect(query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $2, 3, 'A3', 'booked')`, [john, show])).rejects.toMatchObject({
      code: '23503',
      constraint: 'bookings_seat_fk',
    });
  });

  it('a seat cannot be both booked and held: a hold on a booked seat fails, and a booking on a held one', async () => {
    const show = await insertShow(database, 5);
    await insertBookings(database, jane, show, [1]);
    const hold = await insertHold(database, john, show, [2], inAnHour());
    await expect(
      query(`UPDATE seats SET hold_id = $2, held_by = $3, hold_expires_at = now() + interval '1 hour' WHERE show_id = $1 AND seat_number = 1`, [show, hold, john]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'seats_booked_or_held' });
    const { rows } = await query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status) VALUES ($1, $2, 2, 'A2', 'booked') RETURNING id`, [jane, show]);
    await expect(query(`UPDATE seats SET booking_id = $2 WHERE show_id = $1 AND seat_number = 2`, [show, rows[0].id])).rejects.toMatchObject({
      code: '23514',
      constraint: 'seats_booked_or_held',
    });
    const seats = await query(`SELECT seat_number, booking_id IS NOT NULL AS booked, hold_id FROM seats WHERE show_id = $1 AND seat_number <= 2 ORDER BY 1`, [show]);
    expect(seats.rows).toEqual([
      { seat_number: 1, booked: true, hold_id: null },
      { seat_number: 2, booked: false, hold_id: hold },
    ]);
  });

  it('a seat points only at a booking of that very seat', async () => {
    const show = await insertShow(database, 3);
    await insertBookings(database, john, show, [1]);
    const { rows } = await query(`SELECT booking_id FROM seats WHERE show_id = $1 AND seat_number = 1`, [show]);
    await expect(query(`UPDATE seats SET booking_id = $2 WHERE show_id = $1 AND seat_number = 2`, [show, rows[0].booking_id])).rejects.toMatchObject({
      code: '23503',
      constraint: 'seats_booking_fk',
    });
  });

  it('a hold on a seat names its hold, its holder and its end, or none of them', async () => {
    const show = await insertShow(database, 3);
    await expect(query(`UPDATE seats SET held_by = $2 WHERE show_id = $1 AND seat_number = 1`, [show, john])).rejects.toMatchObject({
      code: '23514',
      constraint: 'seats_hold_complete',
    });
  });

  it('two shows never overlap on one screen (exclusion constraint)', async () => {
    const show = await insertShow(database, 1);
    const { rows } = await query(`SELECT movie_id, screen_id, screen_name, date_time FROM shows WHERE id = $1`, [show]);
    await expect(
      query(
        `INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats)
         VALUES ($1, $2, $3, $4::timestamptz + interval '30 minutes', $4::timestamptz + interval '2 hours', $4::timestamptz + interval '2 hours', 10)`,
        [rows[0].movie_id, rows[0].screen_id, rows[0].screen_name, rows[0].date_time],
      ),
    ).rejects.toMatchObject({ code: '23P01', constraint: 'shows_screen_no_overlap' });
  });

  it('a cancelled show frees its screen: another show may overlap it', async () => {
    const show = await insertShow(database, 1);
    const { rows } = await query(`UPDATE shows SET status = 'cancelled', cancelled_at = now() WHERE id = $1 RETURNING movie_id, screen_id, screen_name, date_time`, [show]);
    await query(
      `INSERT INTO shows (movie_id, screen_id, screen_name, date_time, ends_at, free_at, total_seats) VALUES ($1, $2, $3, $4, $4::timestamptz + interval '2 hours', $4::timestamptz + interval '2 hours', 10)`,
      [rows[0].movie_id, rows[0].screen_id, rows[0].screen_name, rows[0].date_time],
    );
    await expect(query(`UPDATE shows SET status = 'scheduled', cancelled_at = NULL WHERE id = $1`, [show])).rejects.toMatchObject({
      code: '23P01',
      constraint: 'shows_screen_no_overlap',
    });
  });

  it("a cancelled show's seats are neither booked nor held; its status is on every seat row", async () => {
    const booked = await insertShow(database, 2);
    await insertBookings(database, john, booked, [1]);
    // The status cascades onto the seat rows (seats_show_fk), which must be free by then.
    await expect(query(`UPDATE shows SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [booked])).rejects.toMatchObject({
      code: '23514',
      constraint: 'seats_free_when_show_cancelled',
    });
    const show = await insertShow(database, 2);
    await query(`UPDATE shows SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [show]);
    expect((await query(`SELECT DISTINCT show_status FROM seats WHERE show_id = $1`, [show])).rows).toEqual([{ show_status: 'cancelled' }]);
    await expect(insertBookings(database, jane, show, [1])).rejects.toMatchObject({ code: '23514', constraint: 'seats_free_when_show_cancelled' });
    await expect(insertHold(database, jane, show, [2], inAnHour())).rejects.toMatchObject({ code: '23514', constraint: 'seats_free_when_show_cancelled' });
    await expect(query(`UPDATE seats SET show_status = 'scheduled' WHERE show_id = $1`, [show])).rejects.toMatchObject({ code: '23503', constraint: 'seats_show_fk' });
  });

  it('a show is cancelled exactly when it has a cancellation time, and has no other status', async () => {
    const show = await insertShow(database, 1);
    await expect(query(`UPDATE shows SET status = 'cancelled' WHERE id = $1`, [show])).rejects.toMatchObject({ code: '23514', constraint: 'shows_cancelled_at_check' });
    await expect(query(`UPDATE shows SET status = 'postponed' WHERE id = $1`, [show])).rejects.toMatchObject({ code: '23514', constraint: 'shows_status_check' });
  });

  it('a booking is cancelled exactly when it has a cancellation time', async () => {
    const show = await insertShow(database, 2);
    await expect(
      query(`INSERT INTO bookings (user_id, show_id, seat_number, seat_label, status, cancelled_at) VALUES ($1, $2, 1, 'A1', 'booked', now())`, [john, show]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'bookings_cancelled_at_check' });
  });
});
