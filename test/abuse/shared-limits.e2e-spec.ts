import { Logger } from '@nestjs/common';
import { LimitStore } from '../../src/limits/limit-store';
import { RedisLimitStore } from '../../src/limits/redis-limit-store';
import { createTestDatabase, startTestApp, TestApp, TestDatabase } from '../setup/test-app';
import { bookingWorldOn } from './worlds';
import { apiOf } from '../support/api';
import { describeWithRedis, startRedis, TestRedis } from '../support/redis';
import { waitFor } from '../support/wait';

describeWithRedis('limits shared by every instance through Redis (two app instances, a Redis of the test, e2e)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let first: TestApp;
  let second: TestApp;
  const env = () => ({ REDIS_URL: redis.url, LOGIN_FAILURES_PER_ACCOUNT_AND_IP: '4', LOGIN_FAILURES_PER_IP: '1000' });

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startRedis();
    [first, second] = [await startTestApp(db.url, { env: env() }), await startTestApp(db.url, { env: env() })];
    await apiOf(first).signup({ username: 'shared_victim', email: 'shared@example.com', password: 'correct-horse-battery' }).expect(201);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis?.stop();
    await db?.drop();
  });

  const wrong = (app: TestApp, i: number) => apiOf(app).login({ username: 'shared_victim', password: `guess-${i}` });

  it('enforces one login limit: failures on either instance count together', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await wrong(i % 2 === 0 ? first : second, i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    expect((first.app.get(LimitStore) as RedisLimitStore).reachable).toBe(true);
  });

  it('keeps answering while Redis is down, each instance limiting on its own, and says so once', async () => {
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const logs = jest.spyOn(Logger.prototype, 'log');
    const port = redis.port;
    await redis.stop();

    const world = await bookingWorldOn(first);
    // Bookings go on as before.
    await apiOf(first).book(world.customer, world.showId, 1).expect(201);
    await apiOf(second).book(world.customer, world.showId, 2).expect(201);
    // Logins too; and the limit still holds, counted by each instance alone.
    await apiOf(first).signup({ username: 'offline_victim', email: 'offline@example.com', password: 'correct-horse-battery' }).expect(201);
    const offline = (app: TestApp, i: number) => apiOf(app).login({ username: 'offline_victim', password: `guess-${i}` });
    const onFirst = [];
    for (let i = 0; i < 5; i++) onFirst.push((await offline(first, i)).status);
    expect(onFirst).toEqual([401, 401, 401, 401, 429]);
    expect((await offline(second, 9)).status).toBe(401);
    const outageLines = warnings.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('counting rate limits in Redis'));
    // One line per instance (two here), not one per request.
    expect(outageLines.length).toBeLessThanOrEqual(2);

    redis = await startRedis(port);
    await waitFor(
      'the instances to count in Redis again',
      async () => {
        await apiOf(first).movies();
        return (first.app.get(LimitStore) as RedisLimitStore).reachable;
      },
      15_000,
    );
    expect(logs.mock.calls.map(([line]) => String(line)).some((line) => line.includes('counting rate limits in Redis') && line.includes('works again'))).toBe(true);
    warnings.mockRestore();
    logs.mockRestore();
  }, 60_000);
});
