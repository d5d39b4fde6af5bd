import { BookingWorld, bookingWorld, unique } from '../factories';
import { expectProblem } from '../support/problem';

interface PlanSeat {
  seat_number: number;
  label: string;
  kind: string;
}
interface Screen {
  id: number;
  cinema_id: number;
  name: string;
  total_seats: number;
  turnaround_minutes: number;
  auto_plan: boolean;
  rows: { label: string; seats: (PlanSeat | null)[] }[];
}

const HOUR = 3600_000;
/** A start `days` ahead at `hour`:00 UTC. */
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * 24 * HOUR);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

describe('screens with seat plans (e2e)', () => {
  let { ctx, api, admin, john, movieId } = {} as BookingWorld; // assigned in beforeAll
  const post = (body: unknown) => api.createScreen(admin, body);

  beforeAll(async () => {
    ({ ctx, api, admin, john, movieId } = await bookingWorld());
  });
  afterAll(async () => {
    await ctx?.teardown();
  });

  it('a plan with aisles and kinds round-trips to the screen, a show on it and its seat map; seats are sold and named by label', async () => {
    const name = `Hall ${unique()}`;
    const rows = [
      { label: 'A', seats: [{}, {}, null, { kind: 'wheelchair' }, { kind: 'companion' }] },
      { label: 'B', seats: [null, { kind: 'premium' }, { kind: 'premium', label: 'VIP' }, null] },
      { seats: 2 },
    ];
    const made = (await post({ name, rows, turnaround_minutes: 15 }).expect(201)).body as Screen;
    const expected = [
      {
        label: 'A',
        seats: [
          { seat_number: 1, label: 'A1', kind: 'standard' },
          { seat_number: 2, label: 'A2', kind: 'standard' },
          null,
          { seat_number: 3, label: 'A3', kind: 'wheelchair' },
          { seat_number: 4, label: 'A4', kind: 'companion' },
        ],
      },
      { label: 'B', seats: [null, { seat_number: 5, label: 'B1', kind: 'premium' }, { seat_number: 6, label: 'VIP', kind: 'premium' }] },
      {
        label: 'C',
        seats: [
          { seat_number: 7, label: 'C1', kind: 'standard' },
          { seat_number: 8, label: 'C2', kind: 'standard' },
        ],
      },
    ];
    expect(made).toMatchObject({ cinema_id: 1, name, total_seats: 8, turnaround_minutes: 15, auto_plan: false, rows: expected });
    expect((await api.screen(made.id).expect(200)).body).toEqual(made);

    const show = (await api.createShow(admin, movieId, { screen_id: made.id, date_time: at(3, 10) }).expect(201)).body as { id: number; total_seats: number; screen_id: number; screen_name: string };
    expect(show).toMatchObject({ total_seats: 8, screen_id: made.id, screen_name: name });
    const map = (await api.seatMap(show.id).expect(200)).body as { rows: unknown; seats: { seat_number: number; label: string; row: string; kind: string; status: string }[] };
    expect(map.rows).toEqual(expected);
    expect(map.seats[5]).toEqual({ seat_number: 6, label: 'VIP', row: 'B', kind: 'premium', status: 'available' });

    const [booked] = (await api.book(john, show.id, [6]).expect(201)).body as { seat_label: string }[];
    expect(booked.seat_label).toBe('VIP');
    const taken = await api.book(admin, show.id, [6]);
    expect(expectProblem(taken, 409, 'SEAT_TAKEN')).toMatchObject({ detail: 'Already booked: seat VIP.', seats: [6] });

    // The turnaround keeps the screen busy after the show: a show in those 15 minutes is refused.
    const duration = ((await api.movie(movieId).expect(200)).body as { duration_minutes: number }).duration_minutes;
    const tooSoon = new Date(Date.parse(at(3, 10)) + (duration + 10) * 60_000).toISOString();
    expectProblem(await api.createShow(admin, movieId, { screen_id: made.id, date_time: tooSoon }), 409, 'SCREEN_BUSY');
    const inTime = new Date(Date.parse(at(3, 10)) + (duration + 15) * 60_000).toISOString();
    await api.createShow(admin, movieId, { screen_id: made.id, date_time: inTime, total_seats: 4 }).expect(201);
    // More seats than the screen has.
    expectProblem(await api.createShow(admin, movieId, { screen_id: made.id, date_time: at(4, 10), total_seats: 9 }), 400, 'SCREEN_CAPACITY_EXCEEDED');
  });

  it('a show prices seats by kind: an order costs the sum of its seats, bookings keep their seat price, a free kind needs no payment', async () => {
    const made = (await post({ name: `Prices ${unique()}`, rows: [{ label: 'A', seats: [{}, { kind: 'premium' }, { kind: 'wheelchair' }, { kind: 'companion' }] }] }).expect(201)).body as Screen;
    const show = (
      await api.createShow(admin, movieId, { screen_id: made.id, date_time: at(9, 18), price: 1000, currency: 'EUR', prices_by_kind: { premium: 1500, wheelchair: 0 } }).expect(201)
    ).body as { id: number; prices_by_kind: Record<string, number> };
    expect(show.prices_by_kind).toEqual({ premium: 1500, wheelchair: 0 });
    const hold = (await api.hold(john, show.id, [1, 2, 4]).expect(201)).body as { id: number };
    const order = (await api.checkout(john, hold.id).expect(201)).body as { id: number; amount: number };
    expect(order.amount).toBe(1000 + 1500 + 1000);
    await api.demoPay(john, order.id, '4242 4242 4242 4242').expect(200);
    const { rows } = await ctx.db.pool.query(`SELECT seat_number, price FROM bookings WHERE order_id = $1 ORDER BY seat_number`, [order.id]);
    expect(rows).toEqual([
      { seat_number: 1, price: 1000 },
      { seat_number: 2, price: 1500 },
      { seat_number: 4, price: 1000 },
    ]);
    // The wheelchair space costs nothing here: booked without an order.
    const [free] = (await api.book(john, show.id, [3]).expect(201)).body as { price: number; order_id: number | null }[];
    expect(free).toMatchObject({ price: 0, order_id: null });
    for (const prices_by_kind of [{ sofa: 100 }, { premium: -1 }, { premium: 1.5 }, [1500], 'premium']) {
      expectProblem(await api.createShow(admin, movieId, { screen_id: made.id, date_time: at(10, 18), price: 1000, prices_by_kind }), 400, 'VALIDATION_FAILED');
    }
  });

  it('the spellings of one screen name are one screen: an overlap is SCREEN_BUSY, a second screen is SCREEN_NAME_TAKEN', async () => {
    const id = unique();
    const first = (await api.createShow(admin, movieId, { screen_name: `Screen ${id}`, date_time: at(5, 15), total_seats: 30 }).expect(201)).body as { screen_id: number };
    for (const spelling of [`screen ${id}`, `  SCREEN   ${id} `, `Screen\t${id}`]) {
      expectProblem(await api.createShow(admin, movieId, { screen_name: spelling, date_time: at(5, 15), total_seats: 30 }), 409, 'SCREEN_BUSY');
      expectProblem(await post({ name: spelling, rows: [{ seats: 5 }] }), 409, 'SCREEN_NAME_TAKEN');
    }
    // Another time on the same screen, by another spelling: the same screen.
    const second = (await api.createShow(admin, movieId, { screen_name: ` screen  ${id} `, date_time: at(6, 15), total_seats: 20 }).expect(201)).body as { screen_id: number; screen_name: string };
    expect(second).toMatchObject({ screen_id: first.screen_id, screen_name: `Screen ${id}` });
    // The screen made from a name has its seats in rows of at most 20, as labels always were.
    const screen = (await api.screen(first.screen_id).expect(200)).body as Screen;
    expect(screen.total_seats).toBe(30);
    expect(screen.rows.map((row) => [row.label, row.seats.length])).toEqual([
      ['A', 15],
      ['B', 15],
    ]);
    // A screen made from a name grows with its biggest show, as shows grew before screens; a planned one does not (above).
    expect(screen.auto_plan).toBe(true);
    await api.createShow(admin, movieId, { screen_name: `SCREEN ${id}`, date_time: at(7, 15), total_seats: 41 }).expect(201);
    expect((await api.screen(first.screen_id).expect(200)).body).toMatchObject({ total_seats: 41 });
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM screens WHERE name_key = $1`, [`screen ${id}`.toLowerCase()]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses what is not a plan or a screen, changing nothing', async () => {
    const before = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM screens`)).rows[0].n;
    for (const body of [
      { name: 'Empty', rows: [] },
      { name: 'Bad kind', rows: [{ seats: [{ kind: 'sofa' }] }] },
      { name: 'Only gaps', rows: [{ seats: [null, null] }] },
      { name: 'Twice', rows: [{ label: 'A', seats: 2 }, { label: 'A', seats: 2 }] },
      { name: 'Huge', rows: Array.from({ length: 21 }, () => ({ seats: 100 })) },
      { name: '   ', rows: [{ seats: 2 }] },
      { rows: [{ seats: 2 }] },
      { name: 'No rows' },
    ]) {
      expectProblem(await post(body), 400, 'VALIDATION_FAILED');
    }
    expectProblem(await post({ name: `Elsewhere ${unique()}`, cinema_id: 999, rows: [{ seats: 2 }] }), 404, 'CINEMA_NOT_FOUND');
    expectProblem(await api.screen(999999), 404, 'SCREEN_NOT_FOUND');
    expectProblem(await api.createShow(admin, movieId, { screen_id: 999999, date_time: at(3, 9) }), 404, 'SCREEN_NOT_FOUND');
    expectProblem(await api.createScreen(john, { name: 'Mine', rows: [{ seats: 2 }] }), 403, 'FORBIDDEN');
    expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM screens`)).rows[0].n).toBe(before);
  });

  it("a plan changes while no show still to come has a booked or held seat; renaming renames its shows' copy", async () => {
    const made = (await post({ name: `Studio ${unique()}`, rows: [{ seats: 4 }, { seats: 4 }] }).expect(201)).body as Screen;
    const show = (await api.createShow(admin, movieId, { screen_id: made.id, date_time: at(8, 12) }).expect(201)).body as { id: number };
    const patch = (body: unknown) => api.updateScreen(admin, made.id, body);
    const changed = (await patch({ rows: [{ label: 'R', seats: [{}, {}, null, {}, {}] }, { label: 'S', seats: 4 }] }).expect(200)).body as Screen;
    expect(changed.rows[0].seats.map((s) => s?.label ?? null)).toEqual(['R1', 'R2', null, 'R3', 'R4']);
    const map = (await api.seatMap(show.id).expect(200)).body as { seats: { label: string }[] };
    expect(map.seats.map((s) => s.label)).toEqual(['R1', 'R2', 'R3', 'R4', 'S1', 'S2', 'S3', 'S4']);
    await api.book(john, show.id, [1]).expect(201);
    expectProblem(await patch({ rows: [{ seats: 8 }] }), 409, 'SCREEN_IN_USE');
    const renamed = `Studio ${unique()}`;
    await patch({ name: renamed }).expect(200);
    expect((await api.show(show.id).expect(200)).body).toMatchObject({ screen_name: renamed });
    expectProblem(await api.deleteScreen(admin, made.id), 409, 'SCREEN_IN_USE');
  });
});
