import { HoldExpiryScheduler } from '../../src/bookings/holds/hold-expiry.scheduler';
import { HoldsService } from '../../src/bookings/holds/holds.service';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupAndLogin, TestUser, unique } from '../factories';
import { expectProblem } from '../support/problem';
import { byStatus, SeatMap } from '../support/seats';

const TTL_S = 600;
const COOLDOWN_S = 60;
/** Two addresses (behind the trusted proxy 127.0.0.1): a household, and somebody elsewhere. */
const HOME = '203.0.113.10';
const ELSEWHERE = '198.51.100.20';

/**
 * Giving seats back and picking them again (issue 20): a customer who releases
 * seats may hold them again at once, and so may anyone else on their address;
 * the cooldown is for seats an account or address has already kept for a
 * whole hold's time, in one hold that ran out or in holds re-made one after
 * another: those go to others first. The default TTL and cooldown, real
 * PostgreSQL, a manual clock; the sweeper is stopped (an expired hold nobody
 * swept must count as ended), and one case sweeps by hand.
 *
 * A 50-seat show has rows of 17: seat 18 is B1, seat 19 is B2.
 */
describe('giving held seats back and taking them again (e2e)', () => {
  const clock = new ManualClock();
  let { ctx, api, admin, movieId, john, jane, newShow } = {} as BookingWorld; // assigned in beforeAll
  let mia: TestUser;

  beforeAll(async () => {
    ({ ctx, api, admin, movieId, john, jane, newShow } = await bookingWorld({
      clock,
      env: { HOLD_TTL_SECONDS: String(TTL_S), HOLD_COOLDOWN_SECONDS: String(COOLDOWN_S), TRUSTED_PROXIES: '127.0.0.1', MAX_HELD_SEATS_PER_SHOW: '10' },
    }));
    ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
    mia = await signupAndLogin(ctx.http);
  });
  afterAll(() => ctx?.teardown());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  const hold = (who: TestUser, showId: number, seats: number[], address = HOME) => api.hold(who, showId, seats, from(address));
  const release = (who: TestUser, holdId: number, address = HOME) => api.release(who, holdId, from(address)).expect(204);
  const seatMap = async (showId: number): Promise<SeatMap> => (await api.seatMap(showId).expect(200)).body;

  it('a customer picks again at once the seats they just released, all of them or some with others', async () => {
    const show = await newShow(50);
    const first = await hold(john, show.id, [18, 19]).expect(201);
    await release(john, first.body.id);
    expect(byStatus(await seatMap(show.id)).held).toEqual([]);
    const again = await hold(john, show.id, [18, 19]).expect(201);
    await release(john, again.body.id);
    await hold(john, show.id, [19, 20]).expect(201);
  });

  it('another account on the same address holds at once seats it never held, right after they were released', async () => {
    const show = await newShow(50);
    const mine = await hold(john, show.id, [18, 19]).expect(201);
    await release(john, mine.body.id);
    const theirs = await hold(jane, show.id, [19]).expect(201);
    expect(theirs.body).toMatchObject({ user_id: jane.id, seat_numbers: [19] });
    // And back: john takes seat 19 once jane lets go of it (the household's seat has been held only a moment).
    await release(jane, theirs.body.id);
    await hold(john, show.id, [18, 19]).expect(201);
  });

  it('a hold that ran out: its account and address wait the cooldown for those seats (named by label), anyone else takes them', async () => {
    const show = await newShow(50);
    await hold(john, show.id, [18, 19]).expect(201);
    clock.advance(TTL_S * 1000);
    // Nobody swept the hold: it has ended all the same.
    const refused = await hold(john, show.id, [18, 20]);
    const problem = expectProblem(refused, 429, 'HOLD_COOLDOWN');
    expect(problem).toMatchObject({ seats: [18], retry_after: COOLDOWN_S });
    expect(refused.headers['retry-after']).toBe(String(COOLDOWN_S));
    expect(problem.detail).toContain('B1');
    expect(problem.detail).not.toMatch(/\b18\b/);
    // The same account from elsewhere, and the household's other account.
    expectProblem(await hold(john, show.id, [19], ELSEWHERE), 429, 'HOLD_COOLDOWN');
    expect((await hold(jane, show.id, [18, 19])).body).toMatchObject({ code: 'HOLD_COOLDOWN', seats: [18, 19], detail: expect.stringContaining('B1 and B2') });
    // Swept or not, the same.
    expect(await ctx.app.get(HoldsService).expireDue()).toBeGreaterThanOrEqual(1);
    expectProblem(await hold(john, show.id, [18]), 429, 'HOLD_COOLDOWN');
    // Free for others first: somebody elsewhere takes seat 19.
    await hold(mia, show.id, [19], ELSEWHERE).expect(201);

    clock.advance(COOLDOWN_S * 1000 - 1000);
    expect(Number((await hold(john, show.id, [18])).headers['retry-after'])).toBe(1);
    clock.advance(1000);
    await hold(john, show.id, [18]).expect(201);
  });

  it("on a screen with a plan, the refusal names the seats by the plan's labels", async () => {
    const plan = { name: `Hall ${unique()}`, rows: [{ label: 'A', seats: [{}, { kind: 'premium', label: 'VIP' }, {}] }] };
    const screen = (await api.createScreen(admin, plan).expect(201)).body as { id: number };
    const startsAt = new Date(Date.now() + 3 * 86400_000).toISOString();
    const show = (await api.createShow(admin, movieId, { screen_id: screen.id, date_time: startsAt }).expect(201)).body as { id: number };
    await hold(john, show.id, [1, 2]).expect(201);
    clock.advance(TTL_S * 1000);
    const refused = await hold(john, show.id, [2, 3]);
    expect(expectProblem(refused, 429, 'HOLD_COOLDOWN')).toMatchObject({ seats: [2], detail: expect.stringContaining('seat VIP') });
  });

  it('releasing and holding again over and over: free until the seats have been kept a whole hold time, then the cooldown', async () => {
    const show = await newShow(50);
    let held = await hold(john, show.id, [30]).expect(201);
    clock.advance((TTL_S - 1) * 1000);
    await release(john, held.body.id);
    held = await hold(john, show.id, [30]).expect(201);
    clock.advance(2000);
    await release(john, held.body.id);
    // 601 s kept by now: the seat goes to others first.
    const refused = await hold(john, show.id, [30]);
    expect(expectProblem(refused, 429, 'HOLD_COOLDOWN')).toMatchObject({ seats: [30], retry_after: COOLDOWN_S });
    // A hold that merely waited less than the cooldown after the last one ended is the same stretch.
    clock.advance((COOLDOWN_S - 1) * 1000);
    expectProblem(await hold(john, show.id, [30]), 429, 'HOLD_COOLDOWN');
    clock.advance(1000);
    await hold(john, show.id, [30]).expect(201);
  });

  it('an address handing a seat from account to account is stopped the same way, and its accounts elsewhere are not', async () => {
    const show = await newShow(50);
    const johns = await hold(john, show.id, [40]).expect(201);
    clock.advance((TTL_S - 1) * 1000);
    await release(john, johns.body.id);
    const janes = await hold(jane, show.id, [40]).expect(201);
    clock.advance(2000);
    await release(jane, janes.body.id);
    // The household has kept seat 40 for 601 s.
    expectProblem(await hold(mia, show.id, [40]), 429, 'HOLD_COOLDOWN');
    expectProblem(await hold(john, show.id, [40]), 429, 'HOLD_COOLDOWN');
    // Mia herself never held it; from another address she may. John kept it only 599 s himself, so from elsewhere he may too.
    const hers = await hold(mia, show.id, [40], ELSEWHERE).expect(201);
    await release(mia, hers.body.id, ELSEWHERE);
    await hold(john, show.id, [40], ELSEWHERE).expect(201);
  });
});
