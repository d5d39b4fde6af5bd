import { HoldExpiryScheduler } from '../../src/bookings/holds/hold-expiry.scheduler';
import { ManualClock } from '../../src/common/clock';
import { BookingWorld, bookingWorld, signupAndLogin, TestUser } from '../factories';
import { SeatMap } from '../support/seats';

export const HOLD_TTL_SECONDS = 90;
export const TTL_MS = HOLD_TTL_SECONDS * 1000;

export interface HoldsWorld extends BookingWorld {
  clock: ManualClock;
  mia: TestUser;
  seatMap(showId: number): Promise<SeatMap>;
}

/**
 * The world of the hold specs, with its hooks: a manual clock set to now
 * before each test, holds of HOLD_TTL_SECONDS, at most 10 held seats per
 * customer and show, and a third customer. The app's sweeper is stopped: the
 * contract says an expired hold frees its seats without any background job,
 * and every expiry test then proves exactly that. Call it inside a describe.
 */
export function holdsWorld(): HoldsWorld {
  const world = {
    clock: new ManualClock(),
    seatMap: async (showId: number) => (await world.api.seatMap(showId).expect(200)).body as SeatMap,
  } as HoldsWorld;
  beforeAll(async () => {
    Object.assign(world, await bookingWorld({ clock: world.clock, env: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), MAX_HELD_SEATS_PER_SHOW: '10' } }));
    world.ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
    world.mia = await signupAndLogin(world.ctx.http);
  });
  beforeEach(() => world.clock.set(new Date()));
  afterAll(() => world.ctx?.teardown());
  return world;
}
