import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { HoldExpiryScheduler } from '../../src/bookings/holds/hold-expiry.scheduler';
import { ManualClock } from '../../src/common/clock';
import { CrowdWorld, crowdWorld } from '../factories';

export const HOLD_TTL_MS = 90_000;
/** How long a test waits for a request to queue on a lock. */
export const WAIT_MS = 5000;

export interface AdminRace extends CrowdWorld {
  clock: ManualClock;
  /** The test's own connection (a fresh one per test), to hold a lock where two writers would cross; and its backend pid. */
  client: Client;
  pid: number;
  /** What the retry interceptor (and the filter's safety net) logged about deadlocks: each one is a deadlock that happened. */
  deadlocks(): string[];
}

/**
 * The world of the admin-against-customers specs, with its hooks: 20
 * customers, a manual clock, no hold sweeper unless a test runs it, and a
 * connection of the test's own for each test. Call it inside a describe.
 */
export function adminRace(): AdminRace {
  let warnings: jest.SpyInstance | undefined;
  const race = {
    clock: new ManualClock(),
    deadlocks: () => (warnings?.mock.calls ?? []).map(([message]) => String(message)).filter((message) => message.includes('40P01')),
  } as AdminRace;

  beforeAll(async () => {
    Object.assign(race, await crowdWorld(20, { clock: race.clock, env: { HOLD_TTL_SECONDS: String(HOLD_TTL_MS / 1000) } }));
    race.ctx.app.get(HoldExpiryScheduler).onApplicationShutdown();
  });
  beforeEach(async () => {
    race.clock.set(new Date());
    race.client = new Client({ connectionString: race.ctx.db.url });
    await race.client.connect();
    race.pid = (await race.client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    warnings = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(async () => {
    await race.client.query('ROLLBACK').catch(() => undefined);
    await race.client.end();
    jest.restoreAllMocks();
  });
  afterAll(() => race.ctx?.teardown());
  return race;
}
