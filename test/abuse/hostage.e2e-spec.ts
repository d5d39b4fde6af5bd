import { range } from '../support/seats';
import { apiOf } from '../support/api';
import { expectProblem } from '../support/problem';
import { setupE2e, UNLIMITED } from '../setup/test-app';
import { adminToken, createMovie, createShow, signupAndLogin, TestUser } from '../factories';
import { ManualClock } from '../../src/common/clock';

/**
 * A show cannot be taken hostage: from one address, however many fresh
 * accounts, at most max(20 seats, 10 %) of a show can be held at once; seats
 * an account or address has kept for a whole hold's time (a hold that ran
 * out, or holds given back and taken straight back) cannot be taken straight
 * back, while seats merely given back can; one account books at most 10
 * seats of a show. Everything else is left unlimited here, as in the rest of
 * the suite, so only these rules are at work.
 */
describe('hostage-taking (e2e, the default hold and booking caps)', () => {
  const CAPS = { MAX_HELD_SEATS_PER_IP: '20', MAX_HELD_SHARE_PER_IP_PERCENT: '10', HOLD_COOLDOWN_SECONDS: '60', MAX_BOOKED_SEATS_PER_SHOW: '10', MAX_HELD_SEATS_PER_SHOW: '10' };
  const TTL_MS = 600_000;
  const clock = new ManualClock();
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  let admin: string;
  let movieId: number;
  let accounts: TestUser[];

  beforeAll(async () => {
    ctx = await setupE2e({ clock, env: { ...UNLIMITED, ...CAPS, HOLD_TTL_SECONDS: String(TTL_MS / 1000), TRUSTED_PROXIES: '127.0.0.1' } });
    admin = await adminToken(ctx.http);
    movieId = (await createMovie(ctx.http, admin)).id;
    accounts = await Promise.all(Array.from({ length: 25 }, () => signupAndLogin(ctx.http)));
  });
  afterAll(() => ctx?.teardown());

  const api = () => apiOf(ctx);
  const newShow = (seats: number) => createShow(ctx.http, admin, movieId, { total_seats: seats });

  it('25 fresh accounts from one address hold at most 20 seats of a 200-seat show; the rest stays for customers', async () => {
    const show = await newShow(200);
    // Each account tries 8 seats, as the attack did: 25 × 8 = 200.
    const answers = await Promise.all(accounts.map((account, i) => api().hold(account, show.id, range(i * 8 + 1, i * 8 + 8))));
    const held = answers.filter((a) => a.status === 201).flatMap((a) => a.body.seat_numbers as number[]);
    expect(held.length).toBeLessThanOrEqual(20);
    expect(held.length).toBeGreaterThan(0);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(expectProblem(refused, 409, 'ADDRESS_HOLD_LIMIT_EXCEEDED')).toMatchObject({ limit: 20 });
    }
    const map = await api().seatMap(show.id).expect(200);
    expect(map.body.available_seats).toBeGreaterThanOrEqual(180);
  });

  it('the share is 10 % on a large show: 2,000 seats, 200 from one address', async () => {
    const show = await newShow(2000);
    const answers = [];
    for (const [i, account] of accounts.entries()) answers.push(await api().hold(account, show.id, range(i * 10 + 1, i * 10 + 10)));
    const held = answers.filter((a) => a.status === 201).length * 10;
    expect(held).toBe(200);
  });

  it('a seat given back is free at once, for the account and its address; cycling it to keep it from others is stopped', async () => {
    const show = await newShow(50);
    const [mine, neighbour, stranger] = accounts;
    const elsewhere = { headers: { 'x-forwarded-for': '198.51.100.7' } };
    // Changing one's mind costs nothing: released seats can be held again at once, by the account or its address.
    const first = await api().hold(mine, show.id, [1, 2]).expect(201);
    await api().release(mine, first.body.id).expect(204);
    const again = await api().hold(mine, show.id, [2, 3]).expect(201);
    await api().release(mine, again.body.id).expect(204);
    const theirs = await api().hold(neighbour, show.id, [1]).expect(201);
    await api().release(neighbour, theirs.body.id).expect(204);

    // The attack: hold, let the hold run out (or give it back just before), take it straight back, for ever.
    let held = await api().hold(mine, show.id, [10, 11]).expect(201);
    clock.advance(TTL_MS - 1000);
    await api().release(mine, held.body.id).expect(204);
    held = await api().hold(mine, show.id, [10, 11]).expect(201);
    clock.advance(TTL_MS);
    // Kept for more than one hold's time: the seats go to others first, whoever at the address asks.
    const refused = await api().hold(mine, show.id, [10, 12]);
    expect(expectProblem(refused, 429, 'HOLD_COOLDOWN')).toMatchObject({ seats: [10], detail: expect.stringContaining('seat A10') });
    expect(Number(refused.headers['retry-after'])).toBe(60);
    expect(expectProblem(await api().hold(neighbour, show.id, [11]), 429, 'HOLD_COOLDOWN')).toMatchObject({ seats: [11] });
    expectProblem(await api().hold(mine, show.id, [11], elsewhere), 429, 'HOLD_COOLDOWN');
    // Somebody else, elsewhere, gets them.
    await api().hold(stranger, show.id, [10, 11], elsewhere).expect(201);
    // Other seats, and booking outright, are fine: the cooldown is on re-holding what was kept.
    await api().hold(mine, show.id, [4]).expect(201);
  });

  it('one account books at most 10 seats of a show, all at once or bit by bit, and cancelling frees its allowance', async () => {
    const show = await newShow(50);
    const [buyer] = accounts;
    expectProblem(await api().book(buyer, show.id, range(1, 11)), 400, 'VALIDATION_FAILED');
    const first = await api().book(buyer, show.id, range(1, 8)).expect(201);
    const over = await api().book(buyer, show.id, range(9, 11));
    expect(expectProblem(over, 409, 'BOOKING_LIMIT_EXCEEDED')).toMatchObject({ limit: 10, booked: 8 });
    await api().book(buyer, show.id, [9, 10]).expect(201);
    expectProblem(await api().book(buyer, show.id, 11), 409, 'BOOKING_LIMIT_EXCEEDED');
    await api().cancel(buyer, first.body[0].id).expect(200);
    await api().book(buyer, show.id, 11).expect(201);
  });

  it('many parallel bookings by one account stop at the cap exactly', async () => {
    const show = await newShow(100);
    const [buyer] = accounts.slice(-1);
    const answers = await Promise.all(range(1, 30).map((seat) => api().book(buyer, show.id, seat)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    expect(new Set(answers.filter((a) => a.status !== 201).map((a) => a.body.code))).toEqual(new Set(['BOOKING_LIMIT_EXCEEDED']));
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE show_id = $1 AND status = 'booked'`, [show.id]);
    expect(rows[0].n).toBe(10);
  });
});
