import { TokenService } from '../../src/auth/token.service';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupStaff, TestUser, unique } from '../factories';
import { DEMO_CARDS } from '../support/orders';
import { expectProblem, invalidFields } from '../support/problem';

const PRICE = 1250;
const COLUMNS = ['id', 'seat_number', 'seat_label', 'status', 'username', 'email', 'price', 'order_id', 'checked_in_at', 'created_at'] as const;

type Listed = Record<(typeof COLUMNS)[number], string | number | null>;

/** RFC 4180, read independently of the service's writer: quoted fields, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"' && (quoted || field === '')) {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the CSV does not end with CRLF');
  return records;
}

describe("a show's bookings for staff: GET /shows/{id}/bookings/ (e2e)", () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let staff: TestUser;
  /** A customer whose name needs quoting in CSV (made in the database: signup allows neither commas nor quotes). */
  let odd: { id: number; username: string; access: string };
  let show: { id: number; date_time: string };

  /** The show's bookings as the database holds them, as the list should say them. */
  async function fromDatabase(showId: number): Promise<Listed[]> {
    const { rows } = await ctx.db.pool.query(
      `SELECT b.id, b.seat_number, b.seat_label, b.status, u.username, u.email, o.customer_email, b.price, b.order_id,
              to_char(b.checked_in_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS checked_in_at,
              to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
         FROM bookings b JOIN users u ON u.id = b.user_id LEFT JOIN orders o ON o.id = b.order_id
        WHERE b.show_id = $1
        ORDER BY b.seat_number, b.id`,
      [showId],
    );
    // A box-office sale to an address is that customer's, not the seller's.
    return rows.map(({ customer_email, ...row }) => ({ ...row, username: customer_email ? null : row.username, email: customer_email ?? row.email }));
  }

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock }));
    staff = await signupStaff(ctx.http, admin);
    const username = `O'Hara, "Scarlett" ${unique()}`;
    const { rows } = await ctx.db.pool.query(
      `INSERT INTO users (username, username_key, email, password_hash) VALUES ($1::text, lower($1::text), $2, 'placeholder-not-a-hash') RETURNING id`,
      [username, `scarlett.${unique()}@tara.example`],
    );
    odd = { id: rows[0].id, username, access: ctx.app.get(TokenService).signAccess({ id: rows[0].id, username, role: 'customer' }) };

    // A priced show: paid seats (price, order), a box-office sale to an address, a cancelled seat sold again, a checked-in ticket.
    show = await newShow(20, { price: PRICE, currency: 'EUR' });
    const pay = async (user: { access: string }, seats: number[]) => {
      const hold = (await api.hold(user, show.id, seats).expect(201)).body;
      const order = (await api.checkout(user, hold.id).expect(201)).body;
      await api.demoPay(user, order.id, DEMO_CARDS.pays).expect(200);
    };
    await pay(john, [7, 2]);
    await pay(odd, [4]);
    await pay(jane, [5]);
    await api.book(staff, show.id, { body: { seat_numbers: [9], customer_email: 'walk-in@example.com' } }).expect(201);
    const janes = (await api.myBookings(jane, { show_id: show.id }).expect(200)).body;
    await api.cancel(admin, janes[0].id).expect(200);
    await pay(john, [5]);
    const johns = (await api.myBookings(john, { show_id: show.id }).expect(200)).body as { seat_number: number; ticket_code: string }[];
    clock.set(new Date(Date.parse(show.date_time) - 30 * 60_000));
    await api.checkIn(staff, johns.find((b) => b.seat_number === 2)!.ticket_code, show.id).expect(201);
    clock.set(new Date());
  });

  afterAll(() => ctx?.teardown());

  it('lists every booking of the show, by seat then id, as the database holds it, for staff and admins', async () => {
    const expected = await fromDatabase(show.id);
    expect(expected.map((b) => [b.seat_number, b.status])).toEqual([
      [2, 'booked'],
      [4, 'booked'],
      [5, 'cancelled'],
      [5, 'booked'],
      [7, 'booked'],
      [9, 'booked'],
    ]);
    expect(expected.find((b) => b.seat_number === 9)).toMatchObject({ username: null, email: 'walk-in@example.com', price: PRICE });
    expect(expected.find((b) => b.seat_number === 2)!.checked_in_at).not.toBeNull();

    for (const caller of [staff, admin]) {
      const res = await api.showBookings(caller, show.id).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-total-count']).toBe('6');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual(expected);
    }
  });

  it('pages the list with ?limit= and ?offset=, X-Total-Count the whole count; ?status= narrows it', async () => {
    const expected = await fromDatabase(show.id);
    const page = await api.showBookings(staff, show.id, { limit: 2, offset: 2 }).expect(200);
    expect(page.headers['x-total-count']).toBe('6');
    expect(page.body).toEqual(expected.slice(2, 4));
    const cancelled = await api.showBookings(staff, show.id, { status: 'cancelled' }).expect(200);
    expect(cancelled.headers['x-total-count']).toBe('1');
    expect(cancelled.body).toEqual(expected.filter((b) => b.status === 'cancelled'));
    expect((await api.showBookings(staff, show.id, { offset: 6 }).expect(200)).body).toEqual([]);
  });

  it('answers the same rows as CSV for Accept: text/csv or ?format=csv: every row, quoted by RFC 4180, as a download', async () => {
    const expected = await fromDatabase(show.id);
    const asText = expected.map((b) => COLUMNS.map((column) => (b[column] === null ? '' : String(b[column]))));

    for (const ask of [{ headers: { Accept: 'text/csv' } }, { query: { format: 'csv', limit: 1 } }, { headers: { Accept: 'application/json;q=0.5, text/csv' } }]) {
      const res = await api.showBookings(staff, show.id, ask.query, { headers: ask.headers }).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="show-${show.id}-bookings.csv"`);
      expect(res.headers['cache-control']).toBe('no-store');
      const text = res.text;
      // The odd name is written as RFC 4180 says: in quotes, its quotes doubled.
      expect(text).toContain(`"${odd.username.replace(/"/g, '""')}"`);
      expect(parseCsv(text)).toEqual([[...COLUMNS], ...asText]);
    }
  });

  it('answers JSON for */*, application/json and ?format=json, whatever else Accept says', async () => {
    for (const ask of [{ headers: { Accept: '*/*' } }, { headers: { Accept: 'application/json, text/csv' } }, { headers: { Accept: 'text/csv' }, query: { format: 'json' } }]) {
      const res = await api.showBookings(staff, show.id, ask.query, { headers: ask.headers }).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toHaveLength(6);
    }
  });

  it('is for staff and admins: customers get 403, no token 401; an unknown show is 404, bad input 400', async () => {
    expectProblem(await api.showBookings(john, show.id), 403, 'FORBIDDEN');
    expectProblem(await api.showBookings(john, show.id, undefined, { headers: { Accept: 'text/csv' } }), 403, 'FORBIDDEN');
    expectProblem(await api.showBookings(undefined, show.id), 401);
    expectProblem(await api.showBookings(staff, 2_000_000_000), 404, 'SHOW_NOT_FOUND');
    expectProblem(await api.showBookings(staff, 2_000_000_000, { format: 'csv' }), 404, 'SHOW_NOT_FOUND');
    expect(invalidFields(await api.showBookings(staff, show.id, { format: 'xml' }))).toEqual(['format']);
    expect(invalidFields(await api.showBookings(staff, show.id, { limit: 500 }))).toEqual(['limit']);
    expect(invalidFields(await api.showBookings(staff, show.id, { status: 'held' }))).toEqual(['status']);
  });

  it('an empty show lists nothing: an empty array, and a CSV of the header alone', async () => {
    const empty = await newShow(5);
    const res = await api.showBookings(staff, empty.id).expect(200);
    expect(res.body).toEqual([]);
    expect(res.headers['x-total-count']).toBe('0');
    const csv = await api.showBookings(staff, empty.id, { format: 'csv' }).expect(200);
    expect(csv.text).toBe(`${COLUMNS.join(',')}\r\n`);
  });
});
