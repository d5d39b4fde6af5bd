import { request as httpRequest } from 'node:http';
import { PasswordHasher } from '../../src/users/password-hasher';
import { setupE2e } from '../setup/test-app';
import { apiOf } from '../support/api';
import { expectProblem } from '../support/problem';

/** A login sent from another loopback address (the whole of 127/8 is this machine), so per-address limits can be told apart. */
function loginFrom(url: string, localAddress: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      `${url}/login/`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('login limits (e2e)', () => {
  const LIMITS = { LOGIN_FAILURES_PER_ACCOUNT_AND_IP: '5', LOGIN_FAILURES_PER_IP: '12', LOGIN_FAILURE_WINDOW_SECONDS: '900' };
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  const victim = { username: 'victim_account', password: 'correct-horse-battery' };

  beforeAll(async () => {
    ctx = await setupE2e({ env: LIMITS });
    await apiOf(ctx).signup({ ...victim, email: 'victim@example.com' }).expect(201);
  });
  afterAll(() => ctx?.teardown());

  it('thirty wrong passwords for one account: 401 five times, then 429 with Retry-After, and no hashing for the refused ones', async () => {
    const verify = jest.spyOn(ctx.app.get(PasswordHasher), 'verify');
    const answers: (Awaited<ReturnType<typeof loginFrom>> & { answeredAt: number; right?: boolean })[] = [];
    let fifthSentAt = 0;
    for (let i = 0; i < 31; i++) {
      if (i === 4) fifthSentAt = Date.now();
      // The right password comes right after the first refusal: it is refused too while locked out (the lock is on the attempts, not on the guess).
      const right = i === 6;
      const answer = await loginFrom(ctx.url, '127.0.0.1', right ? victim : { username: victim.username, password: `guess-${i}` });
      answers.push({ ...answer, answeredAt: Date.now(), right });
    }
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    // Locked out for 1 s after the fifth failure, which the service counted after it was sent: what was answered
    // within that second is refused, unhashed, and does not extend it. (On a busy machine the last attempts may come
    // after it: an attempt then is hashed again, a 401 that locks the account anew.)
    const locked = answers.slice(5).filter((a) => a.answeredAt < fifthSentAt + 1000);
    expect(locked.length).toBeGreaterThanOrEqual(3);
    expect(locked.some((a) => a.right)).toBe(true);
    for (const answer of locked) expectProblem(answer as never, 429, 'RATE_LIMITED');
    expect(Number(locked[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(new Set(answers.slice(5).map((a) => a.status))).toEqual(new Set(answers.slice(5).some((a) => a.status === 401) ? [429, 401] : [429]));
    expect(verify).toHaveBeenCalledTimes(answers.filter((a) => a.status === 401).length);
    verify.mockRestore();
  });

  it('a lock-out doubles with each failure after it expires, and a correct password clears the account count', async () => {
    const name = 'doubling_account';
    await apiOf(ctx).signup({ username: name, password: 'correct-horse-battery', email: 'doubling@example.com' }).expect(201);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const answer = await loginFrom(ctx.url, '127.0.0.5', { username: name, password: `nope-${i}` });
      if (answer.status === 429) {
        waits.push(Number(answer.headers['retry-after']));
        await new Promise((resolve) => setTimeout(resolve, Number(answer.headers['retry-after']) * 1000 + 50));
        i--;
      }
      if (waits.length === 2) break;
    }
    expect(waits).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 2050));
    expect((await loginFrom(ctx.url, '127.0.0.5', { username: name, password: 'correct-horse-battery' })).status).toBe(200);
    // Cleared: the next wrong password is an ordinary 401 again.
    expect((await loginFrom(ctx.url, '127.0.0.5', { username: name, password: 'wrong-again' })).status).toBe(401);
  }, 30_000);

  it('the account is not locked for someone else: the owner logs in from another address', async () => {
    expect((await loginFrom(ctx.url, '127.0.0.2', victim)).status).toBe(200);
  });

  it('an address that fails for many accounts is locked out as a whole', async () => {
    const statuses = [];
    for (let i = 0; i < 14; i++) statuses.push((await loginFrom(ctx.url, '127.0.0.3', { username: `nobody_${i}`, password: 'whatever-it-is' })).status);
    expect(statuses).toEqual([...Array(12).fill(401), 429, 429]);
    expect((await loginFrom(ctx.url, '127.0.0.3', victim)).status).toBe(429);
    expect((await loginFrom(ctx.url, '127.0.0.4', victim)).status).toBe(200);
  });

  it('X-Forwarded-For is not believed from a proxy nobody configured', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await loginFrom(ctx.url, '127.0.0.3', victim, { 'x-forwarded-for': `198.51.100.${i}` })).status);
    }
    expect(statuses).toEqual([429, 429, 429]);
  });

  describe('behind a trusted proxy (TRUSTED_PROXIES=127.0.0.1)', () => {
    let proxied: Awaited<ReturnType<typeof setupE2e>>;

    beforeAll(async () => {
      proxied = await setupE2e({ env: { ...LIMITS, LOGIN_FAILURES_PER_IP: '3', TRUSTED_PROXIES: '127.0.0.1' } });
    });
    afterAll(() => proxied?.teardown());

    it('counts per client the proxy names, so one client cannot lock out the others behind it', async () => {
      const from = (client: string, username: string) =>
        loginFrom(proxied.url, '127.0.0.1', { username, password: 'wrong-password' }, { 'x-forwarded-for': client });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await from('203.0.113.10', `someone_${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await from('203.0.113.11', 'someone_else')).status).toBe(401);
    });
  });

  describe('password hashing in a bounded pool', () => {
    let tight: Awaited<ReturnType<typeof setupE2e>>;

    beforeAll(async () => {
      tight = await setupE2e({ env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1' } });
    });
    afterAll(() => tight?.teardown());

    it('answers a login that would wait beyond the queue 503 at once, with Retry-After', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) => apiOf(tight).login({ username: `flood_${i}`, password: 'whatever-it-is' })),
      );
      const statuses = attempts.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(2);
      const busy = attempts.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      for (const answer of busy) {
        expectProblem(answer, 503, 'SERVICE_UNAVAILABLE');
        expect(answer.headers['retry-after']).toBe('1');
      }
    });
  });
});
