import { HOLD_SEATS } from '../../src/bookings/holds/sql/hold-seats';
import { BOOK_SEATS } from '../../src/bookings/sql/book-seats';
import { JUDGE_IMPOSSIBLE_SEATS } from '../../src/bookings/sql/judge-impossible-seats';
import { insertBookings, insertHold, insertShow, insertUser, migratedDatabase, MigratedDatabase } from './migrated-database';

/**
 * The seat rules, case by case, straight against the statements that decide
 * (no HTTP): what a request is answered, in the documented precedence
 * SHOW_NOT_FOUND, SHOW_CANCELLED, SEAT_OUT_OF_RANGE, SHOW_STARTED, SEAT_TAKEN / SHOW_FULL,
 * SEAT_HELD, and which seats justify it. Each case builds a 5-seat show in the
 * state it describes.
 */
describe('the refusal rules (the deciding statements on a migrated database, no HTTP)', () => {
  let database: MigratedDatabase;
  let me: number;
  let other: number;
  const now = new Date();
  const later = new Date(now.getTime() + 600_000);
  const earlier = new Date(now.getTime() - 1000);

  beforeAll(async () => {
    database = await migratedDatabase();
    [me, other] = [await insertUser(database), await insertUser(database)];
  });
  afterAll(() => database?.drop());

  interface World {
    started?: boolean;
    cancelled?: boolean;
    bookedByOther?: number[];
    heldByOther?: number[];
    heldByMe?: number[];
    expiredHoldOfOther?: number[];
  }

  async function showIn(world: World): Promise<number> {
    const show = await insertShow(database, 5, world.started ? new Date(now.getTime() - 60_000) : undefined);
    if (world.bookedByOther) await insertBookings(database, other, show, world.bookedByOther);
    if (world.heldByOther) await insertHold(database, other, show, world.heldByOther, later);
    if (world.heldByMe) await insertHold(database, me, show, world.heldByMe, later);
    if (world.expiredHoldOfOther) await insertHold(database, other, show, world.expiredHoldOfOther, earlier);
    if (world.cancelled) await database.pool.query(`UPDATE shows SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [show]);
    return show;
  }

  async function book(show: number, seats: number[], limit = 10) {
    const rows = await database.db.rows(BOOK_SEATS, seats.map(() => 0), seats.map(() => me), seats.map(() => show), seats, now, limit, null);
    return rows[0].refusal === null
      ? { booked: rows.map((row) => row.seat_number) }
      : { refusal: rows[0].refusal, seats: rows[0].seats, total_seats: rows[0].total_seats };
  }

  const bookingCases: [string, World, number[], object][] = [
    ['free seats', {}, [1, 2], { booked: [1, 2] }],
    ['a seat the show does not have', {}, [2, 6], { refusal: 'SEAT_OUT_OF_RANGE', seats: [6], total_seats: 5 }],
    ['a show that has started', { started: true }, [1], { refusal: 'SHOW_STARTED', seats: null, total_seats: null }],
    ['a booked seat', { bookedByOther: [2] }, [1, 2], { refusal: 'SEAT_TAKEN', seats: [2], total_seats: null }],
    ['the last seat, booked', { bookedByOther: [1, 2, 3, 4, 5] }, [5], { refusal: 'SHOW_FULL', seats: [5], total_seats: null }],
    ['a seat held by someone else', { heldByOther: [3] }, [3, 4], { refusal: 'SEAT_HELD', seats: [3], total_seats: null }],
    ['a seat I hold myself', { heldByMe: [3] }, [3, 4], { booked: [3, 4] }],
    ['a seat whose hold has expired', { expiredHoldOfOther: [3] }, [3], { booked: [3] }],
    ['booked and held seats: taken, listing both', { bookedByOther: [1], heldByOther: [2] }, [1, 2, 3], { refusal: 'SEAT_TAKEN', seats: [1, 2], total_seats: null }],
    ['every other seat booked, one held: taken, not full', { bookedByOther: [1, 2, 3, 4], heldByOther: [5] }, [4, 5], { refusal: 'SEAT_TAKEN', seats: [4, 5], total_seats: null }],
    ['out of range before taken', { bookedByOther: [1] }, [1, 7], { refusal: 'SEAT_OUT_OF_RANGE', seats: [7], total_seats: 5 }],
    ['started before taken', { started: true, bookedByOther: [1] }, [1], { refusal: 'SHOW_STARTED', seats: null, total_seats: null }],
    ['a cancelled show', { cancelled: true }, [1, 2], { refusal: 'SHOW_CANCELLED', seats: null, total_seats: null }],
    ['cancelled before out of range and started', { cancelled: true, started: true }, [1, 7], { refusal: 'SHOW_CANCELLED', seats: null, total_seats: null }],
  ];

  it.each(bookingCases)('booking: %s', async (_case, world, seats, expected) => {
    expect(await book(await showIn(world), seats)).toEqual(expected);
  });

  it('booking: more seats of a show than one customer may book, counting what they have', async () => {
    const show = await showIn({});
    await insertBookings(database, me, show, [1, 2]);
    expect(await book(show, [3, 4], 3)).toEqual({ refusal: 'BOOKING_LIMIT_EXCEEDED', seats: null, total_seats: null });
    expect(await book(show, [3], 3)).toEqual({ booked: [3] });
  });

  it('booking: a show that does not exist', async () => {
    expect(await book(2_000_000_000, [1])).toEqual({ refusal: 'SHOW_NOT_FOUND', seats: null, total_seats: null });
  });

  it('booking: requests in one batch are judged each on their own seats', async () => {
    const show = await showIn({ bookedByOther: [1] });
    const rows = await database.db.rows(BOOK_SEATS, [0, 1, 1], [me, other, other], [show, show, show], [1, 2, 3], now, 10, null);
    expect(rows.map((row) => ({ req: row.req, refusal: row.refusal, seat: row.seat_number }))).toEqual([
      { req: 0, refusal: 'SEAT_TAKEN', seat: null },
      { req: 1, refusal: null, seat: 2 },
      { req: 1, refusal: null, seat: 3 },
    ]);
  });

  const holdCases: [string, World, number[], object][] = [
    ['free seats', {}, [1, 2], { held: [1, 2] }],
    ['a seat I hold already counts as held', { heldByMe: [2] }, [2], { refusal: 'SEAT_HELD', seats: [2] }],
    ['a booked seat', { bookedByOther: [1] }, [1], { refusal: 'SEAT_TAKEN', seats: [1] }],
    ['more than my limit of 3, with 2 held already', { heldByMe: [1, 2] }, [3, 4], { refusal: 'HOLD_LIMIT_EXCEEDED', seats: null }],
    ['a show that has started', { started: true }, [1], { refusal: 'SHOW_STARTED', seats: null }],
    ['a cancelled show', { cancelled: true }, [1], { refusal: 'SHOW_CANCELLED', seats: null }],
  ];

  const ADDRESS = '203.0.113.7';
  const hold = (show: number, seats: number[], { who = me, address = ADDRESS, addressSeats = 20, cooldownSince = new Date(now.getTime() - 60_000) } = {}) =>
    database.db.rows(HOLD_SEATS, who, show, seats, now, later, 3, address, addressSeats, 10, cooldownSince);

  it.each(holdCases)('holding (limit 3): %s', async (_case, world, seats, expected) => {
    const [row] = await hold(await showIn(world), seats);
    expect(row.id === null ? { refusal: row.refusal, seats: row.seats } : { held: row.seat_numbers }).toEqual(expected);
  });

  it('holding: one address holds at most its share of a show, whoever holds', async () => {
    const show = await showIn({});
    expect((await hold(show, [1, 2], { addressSeats: 3 }))[0]).toMatchObject({ seat_numbers: [1, 2], refusal: null });
    const [refused] = await hold(show, [3, 4], { who: other, addressSeats: 3 });
    expect(refused).toMatchObject({ id: null, refusal: 'ADDRESS_HOLD_LIMIT_EXCEEDED', held_by_address: 2, address_limit: 3 });
    expect((await hold(show, [3, 4], { who: other, address: '198.51.100.1', addressSeats: 3 }))[0]).toMatchObject({ seat_numbers: [3, 4] });
  });

  it('holding: seats a customer or address gave back lately are not theirs to take again yet', async () => {
    const show = await showIn({});
    const released = await insertHold(database, other, show, [1, 2], later);
    await database.pool.query(`UPDATE holds SET status = 'released', ended_at = $2, client_ip = $3 WHERE id = $1`, [released, earlier, ADDRESS]);
    await database.pool.query(`UPDATE seats SET hold_id = NULL, held_by = NULL, hold_expires_at = NULL WHERE hold_id = $1`, [released]);
    const [byAddress] = await hold(show, [2, 3]);
    expect(byAddress).toMatchObject({ id: null, refusal: 'HOLD_COOLDOWN', cooldown_until: new Date(earlier.getTime() + 60_000) });
    expect((await hold(show, [2, 3], { who: other, address: '198.51.100.1' }))[0]).toMatchObject({ id: null, refusal: 'HOLD_COOLDOWN' });
    expect((await hold(show, [3, 4]))[0]).toMatchObject({ seat_numbers: [3, 4] });
    expect((await hold(show, [1], { who: me, address: '198.51.100.2' }))[0]).toMatchObject({ seat_numbers: [1] });
  });

  it.each([
    ['below 1, on a real show', [0, 2], { refusal: 'SEAT_OUT_OF_RANGE', seats: [0], seat_labels: null, total_seats: 5 }],
    ['beyond any show, and beyond int4', [3, 1e12], { refusal: 'SEAT_OUT_OF_RANGE', seats: [1e12], seat_labels: null, total_seats: 5 }],
  ] as const)('seats no show can have are judged on a snapshot: %s', async (_case, seats, expected) => {
    const show = await showIn({});
    expect(await database.db.rows(JUDGE_IMPOSSIBLE_SEATS, show, [...seats], now)).toEqual([expected]);
  });

  it('seats no show can have, on a cancelled show: cancelled first', async () => {
    const show = await showIn({ cancelled: true });
    expect(await database.db.rows(JUDGE_IMPOSSIBLE_SEATS, show, [0], now)).toEqual([{ refusal: 'SHOW_CANCELLED', seats: null, seat_labels: null, total_seats: null }]);
  });

  it('seats no show can have, on a show that does not exist: not found first', async () => {
    expect(await database.db.rows(JUDGE_IMPOSSIBLE_SEATS, 2_000_000_000, [0], now)).toEqual([{ refusal: 'SHOW_NOT_FOUND', seats: null, seat_labels: null, total_seats: null }]);
  });
});
