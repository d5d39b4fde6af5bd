import { Logger } from '@nestjs/common';
import { connect, Socket } from 'node:net';
import { setupE2e } from '../setup/test-app';
import { adminToken, createMovie, createShow, signupAndLogin, TestUser } from '../factories';
import { apiOf } from '../support/api';
import { expectUnchanged } from '../support/db';
import { expectProblem } from '../support/problem';

/** Opens a raw connection, writes `head` and then `drip` one byte a second; resolves with what the server said and when it closed. */
function slowSender(port: number, head: string, drip: string): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      let i = 0;
      const timer = setInterval(() => (i < drip.length && !socket.destroyed ? socket.write(drip[i++]) : undefined), 1000);
      socket.once('close', () => clearInterval(timer));
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ closedAfterMs: Date.now() - started, answer }));
  });
}

describe('HTTP hardening (e2e)', () => {
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  let port: number;
  let admin: string;
  let customer: TestUser;
  let showId: number;

  beforeAll(async () => {
    ctx = await setupE2e({ env: { REQUEST_TIMEOUT_SECONDS: '2', HEADERS_TIMEOUT_SECONDS: '2', SSE_HEARTBEAT_SECONDS: '1' } });
    port = Number(new URL(ctx.url).port);
    admin = await adminToken(ctx.http);
    showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin)).id, { total_seats: 20 })).id;
    customer = await signupAndLogin(ctx.http);
  });
  afterAll(() => ctx?.teardown());

  describe('slow senders', () => {
    it('a body sent one byte a second is cut soon after REQUEST_TIMEOUT_SECONDS', async () => {
      const head = `POST /login/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      const { closedAfterMs, answer } = await slowSender(port, head, '{"username":"slowloris","password":"xxxxxxxxxxxxxxxxxxxxxxxx"}');
      expect(closedAfterMs).toBeLessThan(5000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    });

    it('headers sent one byte a second are cut soon after HEADERS_TIMEOUT_SECONDS', async () => {
      const { closedAfterMs } = await slowSender(port, 'GET /movies/ HTTP/1.1\r\n', 'Host: x\r\nX-Slow: yes\r\n\r\n');
      expect(closedAfterMs).toBeLessThan(5000);
    });

    it('the seat stream is a response, not a slow request: it stays open past the timeouts', async () => {
      const res = await fetch(`${ctx.url}/shows/${showId}/seats/stream`);
      const reader = res.body!.getReader();
      const started = Date.now();
      let text = '';
      while (Date.now() - started < 3500) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(text.match(/: heartbeat/g)?.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('security headers', () => {
    it.each(['/movies/', '/swagger', '/shows/999999/'])('on %s', async (path) => {
      const res = await ctx.http().get(path);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      });
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('answers that carry tokens are never stored', async () => {
      const login = await apiOf(ctx).login({ username: customer.username, password: customer.password }).expect(200);
      expect(login.headers['cache-control']).toBe('no-store');
      const refresh = await apiOf(ctx).refresh(login.body.refresh).expect(200);
      expect(refresh.headers['cache-control']).toBe('no-store');
    });
  });

  describe('bodies where none belongs', () => {
    it('confirm, cancel and releasing a hold refuse a body with fields (400), and change nothing', async () => {
      const hold = await apiOf(ctx).hold(customer, showId, [1]).expect(201);
      const booking = await apiOf(ctx).book(customer, showId, 2).expect(201);
      for (const call of [
        () => apiOf(ctx).confirm(customer, hold.body.id, { body: { seat_numbers: [5] } }),
        () => apiOf(ctx).cancel(customer, booking.body.id, { body: { reason: 'changed my mind' } }),
        () => apiOf(ctx).release(customer, hold.body.id, { body: { all: true } }),
      ]) {
        const res = await expectUnchanged(ctx.db.pool, call);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.body.detail).toBe('This endpoint takes no request body.');
      }
      // An empty object is no body at all.
      await apiOf(ctx).confirm(customer, hold.body.id, { body: {} }).expect(201);
    });
  });

  describe('text that is not valid Unicode', () => {
    it.each([
      ['email', { username: 'surrogate_user', email: '\ud800', password: 'password123' }],
      ['username', { username: 'ab\udc00cd', email: 'ok@example.com', password: 'password123' }],
      ['password', { username: 'surrogate_two', email: 'two@example.com', password: 'pass\ud83dword1' }],
    ])('a lone surrogate in the %s is 400, and nothing is logged as a stack', async (_field, body) => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      const res = await apiOf(ctx).signup(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(errors).not.toHaveBeenCalled();
      errors.mockRestore();
    });

    it.each(['%ED%A0%80', '%C0%AF', '%FF'])('a query string with the bytes %s (no UTF-8) is read as replacement characters, never a 500', async (bytes) => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      const res = await ctx.http().get(`/movies/?search=x${bytes}y`);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: [] });
      expect(errors).not.toHaveBeenCalled();
      errors.mockRestore();
    });
  });

  describe('usernames as the original service allowed them', () => {
    it.each(['José', 'Zoë', '李雷'])('%s can sign up and log in', async (username) => {
      const signup = await apiOf(ctx).signup({ username, email: `${encodeURIComponent(username)}@example.com`, password: 'password123' }).expect(201);
      expect(signup.body.username).toBe(username);
      await apiOf(ctx).login({ username, password: 'password123' }).expect(200);
    });

    it('is one account whatever the case, the width or the composition', async () => {
      expectProblem(await apiOf(ctx).signup({ username: 'JOSÉ', email: 'upper@example.com', password: 'password123' }), 409, 'USERNAME_TAKEN');
      expectProblem(await apiOf(ctx).signup({ username: 'Jose\u0301', email: 'nfd@example.com', password: 'password123' }), 409, 'USERNAME_TAKEN');
      await apiOf(ctx).login({ username: 'josé', password: 'password123' }).expect(200);
      const wide = await apiOf(ctx).signup({ username: 'ｗｉｄｅ_ｎａｍｅ', email: 'wide@example.com', password: 'password123' }).expect(201);
      expect(wide.body.username).toBe('wide_name');
    });

    it.each([
      ['Cyrillic а in a Latin name', '\u0430dmin'],
      ['an invisible joiner', 'ad\u200Dmin'],
      ['a right-to-left override', 'admin\u202Etxt'],
    ])('refuses %s (400)', async (_case, username) => {
      const res = await apiOf(ctx).signup({ username, email: 'imitation@example.com', password: 'password123' });
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'username', message: expect.any(String) }]);
    });
  });
});
