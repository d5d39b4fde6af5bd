import { Writable } from 'node:stream';
import { MoviesService } from '../../src/movies/movies.service';
import { rootLogger } from '../../src/logging/logging';
import { setupE2e } from '../setup/test-app';
import { signupAndLogin } from '../factories';
import { apiOf } from '../support/api';

/** Every line the app writes, parsed. */
class Lines extends Writable {
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }
  get parsed(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line));
  }
  requestLine(requestId: string) {
    return this.parsed.find((line) => line.msg?.toString().startsWith('request') && line.request_id === requestId);
  }
}

describe('structured logs (pino, e2e)', () => {
  const lines = new Lines();
  const logger = rootLogger({ nodeEnv: 'production', logLevel: 'info' }, lines);
  let ctx: Awaited<ReturnType<typeof setupE2e>>;

  beforeAll(async () => {
    ctx = await setupE2e({ logger });
  });
  afterAll(() => ctx?.teardown());

  it('writes JSON lines with an ISO UTC time and level names', async () => {
    await apiOf(ctx).movies().expect(200);
    const line = lines.parsed.at(-1)!;
    expect(line).toMatchObject({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
  });

  it('one line per request: its id, method, route pattern, status, duration and user', async () => {
    const user = await signupAndLogin(ctx.http);
    const res = await apiOf(ctx).myBookings(user).expect(200);
    expect(lines.requestLine(res.headers['x-request-id'])).toEqual({
      level: 'info',
      time: expect.any(String),
      msg: 'request',
      request_id: res.headers['x-request-id'],
      method: 'GET',
      route: '/my-bookings',
      status: 200,
      duration_ms: expect.any(Number),
      user_id: user.id,
    });
    const missing = await ctx.http().get('/movies/999999/').set('x-request-id', 'chosen-by-the-caller');
    expect(lines.requestLine('chosen-by-the-caller')).toMatchObject({ route: '/movies/:id', status: missing.status, user_id: null });
  });

  it('puts the request id on every line logged while serving the request', async () => {
    const failing = jest.spyOn(ctx.app.get(MoviesService), 'list').mockRejectedValueOnce(new Error('the disk is on fire'));
    const res = await ctx.http().get('/movies/').set('x-request-id', 'failing-request-1');
    failing.mockRestore();
    expect(res.status).toBe(500);
    const own = lines.parsed.filter((line) => line.request_id === 'failing-request-1');
    expect(own.map((line) => [line.level, line.msg])).toEqual([
      ['error', expect.stringContaining('unhandled error')],
      ['error', 'request failed'],
    ]);
  });

  it('never writes a password, a token or an Authorization header', async () => {
    const user = await signupAndLogin(ctx.http);
    await apiOf(ctx).me(user).expect(200);
    logger.info({ password: 'hunter2-secret', authorization: `Bearer ${user.access}`, body: { refresh: user.refresh, token: 'tok-123' } }, 'a careless line');
    const text = lines.raw.join('\n');
    for (const secret of [user.password, user.access, user.refresh, 'hunter2-secret', 'tok-123']) expect(text).not.toContain(secret);
    expect(lines.parsed.at(-1)).toMatchObject({ password: '[redacted]', authorization: '[redacted]', body: { refresh: '[redacted]', token: '[redacted]' } });
  });

  it('leaves health probes out of the request log', async () => {
    const before = lines.raw.length;
    await apiOf(ctx).health().expect(200);
    await ctx.http().get('/health/ready').expect(200);
    expect(lines.raw.slice(before).filter((line) => line.includes('"msg":"request'))).toEqual([]);
  });
});
