import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, CreatedShow, signupStaff, TestUser, unique } from '../factories';
import { DEMO_CARDS } from '../support/orders';
import { expectProblem, invalidFields } from '../support/problem';
import { instantOf, wallClock } from '../support/time';

const ZONE = 'Pacific/Auckland';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Money {
  currency: string;
  amount: number;
}
interface Counts {
  sold: number;
  held: number;
  free: number;
  cancelled: number;
  revenue: Money[];
}
interface ReportShow extends Counts {
  show_id: number;
  movie_title: string;
  screen_name: string;
  date_time: string;
  local_date_time: string;
  status: 'scheduled' | 'cancelled';
  total_seats: number;
}
interface Report {
  cinema: { id: number; name: string; time_zone: string };
  from: string;
  to: string;
  as_of: string;
  days: { date: string; shows: ReportShow[]; totals: Counts }[];
  totals: Counts;
}

/** `day` moved by `n` calendar days. */
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const at = (t: number) => new Date(t).toISOString();

describe(`sales report: GET /reports/sales/ per show and per day in the cinema's zone, ${ZONE} (e2e)`, () => {
  const clock = new ManualClock();
  let { ctx, api, admin, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let staff: TestUser;
  /** Three days ahead, as the cinema counts days. */
  let day: string;
  let early: CreatedShow; // 00:30 on `day`: the evening before in UTC
  let matinee: CreatedShow; // cancelled, with a booking it cancelled
  let late: CreatedShow; // 23:30 on `day`, free
  let nextDay: CreatedShow; // the day after, priced in USD, a box-office sale
  let outside: CreatedShow[]; // a minute before `day`, and the midnight after the range

  /** What the database holds of a show, read with no fragment of the service: seat rows now, bookings and their money. */
  async function fromDatabase(showId: number, now: Date): Promise<Counts> {
    const pool = ctx.db.pool;
    const seats = await pool.query<{ sold: number; held: number; free: number }>(
      `SELECT count(*) FILTER (WHERE booking_id IS NOT NULL)::int AS sold,
              count(*) FILTER (WHERE hold_id IS NOT NULL AND hold_expires_at > $2)::int AS held,
              count(*) FILTER (WHERE booking_id IS NULL AND (hold_id IS NULL OR hold_expires_at <= $2))::int AS free
         FROM seats WHERE show_id = $1`,
      [showId, now],
    );
    const cancelled = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1 AND status = 'cancelled'`, [showId]);
    const money = await pool.query<Money>(
      `SELECT coalesce(o.currency, sh.currency) AS currency, sum(b.price)::int AS amount
         FROM bookings b JOIN shows sh ON sh.id = b.show_id LEFT JOIN orders o ON o.id = b.order_id
        WHERE b.show_id = $1 AND b.status = 'booked'
        GROUP BY 1 ORDER BY 1`,
      [showId],
    );
    const own = (await pool.query<{ currency: string }>(`SELECT currency FROM shows WHERE id = $1`, [showId])).rows[0].currency;
    const revenue = money.rows.some((m) => m.currency === own) ? money.rows : [...money.rows, { currency: own, amount: 0 }].sort((a, b) => a.currency.localeCompare(b.currency));
    return { ...seats.rows[0], cancelled: cancelled.rows[0].n, revenue };
  }

  const pay = async (user: TestUser, showId: number, seats: number[]) => {
    const hold = (await api.hold(user, showId, seats).expect(201)).body;
    const order = (await api.checkout(user, hold.id).expect(201)).body;
    await api.demoPay(user, order.id, DEMO_CARDS.pays).expect(200);
  };
  const bookingOf = async (user: TestUser, showId: number, seat: number) =>
    ((await api.myBookings(user, { show_id: showId }).expect(200)).body as { id: number; seat_number: number; status: string }[]).find(
      (b) => b.seat_number === seat && b.status === 'booked',
    )!;

  beforeAll(async () => {
    ({ ctx, api, admin, john, jane, newShow } = await bookingWorld({ clock, env: { CINEMA_TIME_ZONE: ZONE, CINEMA_NAME: 'Roxy' } }));
    staff = await signupStaff(ctx.http, admin);
    day = wallClock(Date.now() + 3 * DAY, ZONE).slice(0, 10);
    const wall = (d: string, time: string) => at(instantOf(`${d} ${time}`, ZONE));

    // Paid seats 1 and 2; a paid seat 3 cancelled (so refunded); seat 5 held.
    early = await newShow(10, { date_time: wall(day, '00:30'), price: 1250, currency: 'EUR' });
    await pay(john, early.id, [1, 2]);
    await pay(jane, early.id, [3]);
    await api.cancel(jane, (await bookingOf(jane, early.id, 3)).id).expect(200);
    await api.hold(jane, early.id, [5]).expect(201);

    // A show cancelled with a free booking: that booking counts as cancelled, nothing as sold.
    matinee = await newShow(8, { date_time: wall(day, '14:00') });
    await api.book(john, matinee.id, [4]).expect(201);
    await api.cancelShow(admin, matinee.id).expect(200);

    // Free seats booked; one cancelled by its customer.
    late = await newShow(10, { date_time: wall(day, '23:30') });
    await api.book(john, late.id, [1]).expect(201);
    await api.book(jane, late.id, [2]).expect(201);
    await api.cancel(jane, (await bookingOf(jane, late.id, 2)).id).expect(200);

    // The next day, another currency: a box-office sale.
    nextDay = await newShow(6, { date_time: wall(plusDays(day, 1), '12:00'), price: 900, currency: 'USD' });
    await api.book(staff, nextDay.id, { body: { seat_numbers: [1, 2], customer_email: 'walk-in@example.com' } }).expect(201);

    outside = [await newShow(5, { date_time: wall(plusDays(day, -1), '23:59') }), await newShow(5, { date_time: wall(plusDays(day, 2), '00:00') })];
    for (const show of outside) await api.book(john, show.id, [1]).expect(201);
  });
  beforeEach(() => clock.set(new Date()));
  afterAll(() => ctx?.teardown());

  it("lists every show of the range by day in the cinema's zone, across midnight UTC, with numbers that agree with the database", async () => {
    // The cinema's day crosses midnight UTC, so a UTC day would split it.
    expect(early.date_time.slice(0, 10)).not.toBe(late.date_time.slice(0, 10));

    const res = await api.salesReport(admin, { from: day, to: plusDays(day, 1) }).expect(200);
    const report = res.body as Report;
    expect(res.headers['cache-control']).toBe('no-store');
    expect(report).toMatchObject({ cinema: { id: 1, name: 'Roxy', time_zone: ZONE }, from: day, to: plusDays(day, 1) });
    expect(report.days.map((d) => d.date)).toEqual([day, plusDays(day, 1)]);
    expect(report.days.map((d) => d.shows.map((s) => s.show_id))).toEqual([[early.id, matinee.id, late.id], [nextDay.id]]);

    for (const { date, shows } of report.days) {
      for (const show of shows) {
        expect(wallClock(Date.parse(show.date_time), ZONE).slice(0, 10)).toBe(date);
        expect(show.local_date_time.slice(0, 10)).toBe(date);
        expect(Date.parse(show.local_date_time)).toBe(Date.parse(show.date_time));
        const { sold, held, free, cancelled, revenue } = show;
        expect({ show: show.show_id, sold, held, free, cancelled, revenue }).toEqual({ show: show.show_id, ...(await fromDatabase(show.show_id, clock.now())) });
      }
    }

    const [first, second] = report.days;
    const byId = new Map(first.shows.map((s) => [s.show_id, s]));
    expect(byId.get(early.id)).toMatchObject({
      movie_title: early.movie_title,
      screen_name: early.screen_name,
      status: 'scheduled',
      total_seats: 10,
      sold: 2,
      held: 1,
      free: 7,
      cancelled: 1,
      revenue: [{ currency: 'EUR', amount: 2500 }],
    });
    expect(byId.get(early.id)!.local_date_time.slice(11, 16)).toBe('00:30');
    expect(byId.get(matinee.id)).toMatchObject({ status: 'cancelled', sold: 0, held: 0, free: 8, cancelled: 1, revenue: [{ currency: 'EUR', amount: 0 }] });
    expect(byId.get(late.id)).toMatchObject({ sold: 1, held: 0, free: 9, cancelled: 1, revenue: [{ currency: 'EUR', amount: 0 }] });
    expect(first.totals).toEqual({ sold: 3, held: 1, free: 24, cancelled: 3, revenue: [{ currency: 'EUR', amount: 2500 }] });
    expect(second.shows[0]).toMatchObject({ sold: 2, held: 0, free: 4, cancelled: 0, revenue: [{ currency: 'USD', amount: 1800 }] });
    expect(second.totals).toEqual({ sold: 2, held: 0, free: 4, cancelled: 0, revenue: [{ currency: 'USD', amount: 1800 }] });
    expect(report.totals).toEqual({
      sold: 5,
      held: 1,
      free: 28,
      cancelled: 3,
      revenue: [
        { currency: 'EUR', amount: 2500 },
        { currency: 'USD', amount: 1800 },
      ],
    });
    // Revenue is what the booked seats were sold at: the orders' money, less what was refunded.
    const { rows } = await ctx.db.pool.query<{ paid: number; refunded: number }>(
      `SELECT sum(amount)::int AS paid, sum(refunded_amount)::int AS refunded FROM orders WHERE show_id = $1 AND paid_at IS NOT NULL`,
      [early.id],
    );
    expect(rows[0].paid - rows[0].refunded).toBe(2500);
  });

  it('counts holds only while they last: an expired hold is a free seat', async () => {
    clock.set(new Date(Date.now() + 11 * MINUTE));
    const report = (await api.salesReport(admin, { from: day, to: day }).expect(200)).body as Report;
    const show = report.days[0].shows.find((s) => s.show_id === early.id)!;
    expect(show).toMatchObject({ sold: 2, held: 0, free: 8 });
    expect({ sold: show.sold, held: show.held, free: show.free, cancelled: show.cancelled, revenue: show.revenue }).toEqual(await fromDatabase(early.id, clock.now()));
    expect(report.as_of).toBe(clock.now().toISOString());
  });

  it('lists every day of the range, empty ones too, and today in the cinema’s zone without dates', async () => {
    const wide = (await api.salesReport(admin, { from: plusDays(day, -1), to: plusDays(day, 3) }).expect(200)).body as Report;
    expect(wide.days.map((d) => d.date)).toEqual([-1, 0, 1, 2, 3].map((n) => plusDays(day, n)));
    expect(wide.days.map((d) => d.shows.map((s) => s.show_id))).toEqual([[outside[0].id], [early.id, matinee.id, late.id], [nextDay.id], [outside[1].id], []]);
    expect(wide.days[4].totals).toEqual({ sold: 0, held: 0, free: 0, cancelled: 0, revenue: [] });

    // Without from and to: today, as the cinema counts days; one bound alone: that bound, and today for the other.
    clock.set(new Date(instantOf(`${day} 10:00`, ZONE)));
    const today = (await api.salesReport(admin).expect(200)).body as Report;
    expect(today).toMatchObject({ from: day, to: day });
    expect(today.days.map((d) => d.shows.map((s) => s.show_id))).toEqual([[early.id, matinee.id, late.id]]);
    expect((await api.salesReport(admin, { from: plusDays(day, -1) }).expect(200)).body).toMatchObject({ from: plusDays(day, -1), to: day });
    expect((await api.salesReport(admin, { to: plusDays(day, 1) }).expect(200)).body).toMatchObject({ from: day, to: plusDays(day, 1) });
  });

  it("reports one cinema: another cinema's shows are in its own report, on its own days", async () => {
    const cinema = (await api.createCinema(admin, { name: `Annex ${unique()}`, time_zone: 'UTC' }).expect(201)).body as { id: number };
    const screen = (await api.createScreen(admin, { cinema_id: cinema.id, name: 'Annex 1', rows: [{ label: 'A', seats: 4 }] }).expect(201)).body as { id: number };
    const show = (await api.createShow(admin, early.movie_id, { screen_id: screen.id, date_time: early.date_time }).expect(201)).body as { id: number };
    await api.book(john, show.id, [2]).expect(201);

    const own = (await api.salesReport(admin, { from: day, to: day }).expect(200)).body as Report;
    expect(own.days[0].shows.map((s) => s.show_id)).not.toContain(show.id);
    // 00:30 in Auckland is the day before in UTC.
    const utcDay = early.date_time.slice(0, 10);
    const annex = (await api.salesReport(admin, { from: utcDay, to: utcDay, cinema_id: cinema.id }).expect(200)).body as Report;
    expect(annex.cinema).toMatchObject({ id: cinema.id, time_zone: 'UTC' });
    expect(annex.days).toEqual([
      {
        date: utcDay,
        shows: [expect.objectContaining({ show_id: show.id, sold: 1, held: 0, free: 3, cancelled: 0, revenue: [{ currency: 'EUR', amount: 0 }] })],
        totals: { sold: 1, held: 0, free: 3, cancelled: 0, revenue: [{ currency: 'EUR', amount: 0 }] },
      },
    ]);
  });

  it('is for admins: staff and customers get 403, no token 401', async () => {
    expectProblem(await api.salesReport(staff, { from: day, to: day }), 403, 'FORBIDDEN');
    expectProblem(await api.salesReport(john, { from: day, to: day }), 403, 'FORBIDDEN');
    expectProblem(await api.salesReport(undefined, { from: day, to: day }), 401);
  });

  it('refuses days that are not days, a range backwards or over 366 days, and a cinema that does not exist', async () => {
    for (const bad of ['2026-02-30', '2026-13-01', 'tomorrow', '2026-1-5', '', '0000-01-01']) {
      expect(invalidFields(await api.salesReport(admin, { from: bad, to: day }))).toEqual(['from']);
      expect(invalidFields(await api.salesReport(admin, { from: day, to: bad }))).toEqual(['to']);
    }
    const backwards = await api.salesReport(admin, { from: day, to: plusDays(day, -1) });
    expect(invalidFields(backwards)).toEqual(['to']);
    expect(invalidFields(await api.salesReport(admin, { from: '2025-01-01', to: '2026-01-02' }))).toEqual(['to']);
    // 366 days, both ends included, is the most: a leap year whole.
    const leap = (await api.salesReport(admin, { from: '2028-01-01', to: '2028-12-31' }).expect(200)).body as Report;
    expect(leap.days).toHaveLength(366);
    expect(invalidFields(await api.salesReport(admin, { from: '2028-01-01', to: '2029-01-01' }))).toEqual(['to']);
    expect(invalidFields(await api.salesReport(admin, { from: day, to: day, extra: 1 }))).toEqual(['extra']);
    expectProblem(await api.salesReport(admin, { cinema_id: 999_999 }), 404, 'CINEMA_NOT_FOUND');
    expect(invalidFields(await api.salesReport(admin, { cinema_id: 'one' }))).toEqual(['cinema_id']);
  });
});
