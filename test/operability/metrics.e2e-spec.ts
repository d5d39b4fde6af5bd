import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { setupE2e } from '../setup/test-app';
import { adminToken, createMovie, createShow, signupAndLogin, TestUser } from '../factories';
import { apiOf } from '../support/api';
import { expectProblem } from '../support/problem';

/** The value of one sample of the Prometheus text, e.g. sample(text, 'holds_total{event="created"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : undefined;
}

describe('metrics, health and compression (e2e)', () => {
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  let admin: string;
  let customer: TestUser;
  let showId: number;

  beforeAll(async () => {
    ctx = await setupE2e({ env: { BOOKINGS_PER_USER_PER_MINUTE: '1000' } });
    admin = await adminToken(ctx.http);
    showId = (await createShow(ctx.http, admin, (await createMovie(ctx.http, admin)).id, { total_seats: 2000 })).id;
    customer = await signupAndLogin(ctx.http);
  });
  afterAll(() => ctx?.teardown());

  const scrape = async () => (await ctx.http().get('/metrics').expect(200).expect('content-type', /^text\/plain/)).text;

  it('counts requests by route pattern and status, bookings made and refused, holds, replays and batches', async () => {
    await apiOf(ctx).book(customer, showId, 1, { key: 'metrics-1' }).expect(201);
    await apiOf(ctx).book(customer, showId, 1, { key: 'metrics-1' }).expect(201);
    expectProblem(await apiOf(ctx).book(customer, showId, 1), 409, 'SEAT_TAKEN');
    const hold = await apiOf(ctx).hold(customer, showId, [5, 6]).expect(201);
    await apiOf(ctx).confirm(customer, hold.body.id).expect(201);
    const text = await scrape();
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/shows/:id/book",status="201"}')).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/shows/:id/book",status="409"}')).toBe(1);
    expect(sample(text, 'http_problems_total{status="409",code="SEAT_TAKEN"}')).toBe(1);
    expect(sample(text, 'bookings_created_total')).toBe(3);
    expect(sample(text, 'booking_requests_refused_total{code="SEAT_TAKEN"}')).toBe(1);
    expect(sample(text, 'holds_total{event="created"}')).toBe(1);
    expect(sample(text, 'holds_total{event="confirmed"}')).toBe(1);
    expect(sample(text, 'idempotency_replays_total')).toBe(1);
    expect(sample(text, 'booking_batch_size_count')).toBe(2);
    expect(text).toMatch(/^db_pool_connections\{state="in_use"\} \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{state="waiting"\} 0$/m);
    expect(text).toMatch(/^seat_events_listening 1$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^# TYPE conflict_retries_total counter$/m);
    expect(text).toMatch(/^# TYPE rate_limit_rejections_total counter$/m);
  });

  it('the Grafana dashboard (deploy/grafana) queries only metrics the service exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'grafana', 'dashboards', 'cinema.json'), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    const queried = new Set(exprs.flatMap((expr) => expr.match(/\b[a-z_]+(?=(\{|\[|\)|\s|$))/g) ?? []).filter((name) => name.includes('_') && !['by', 'le'].includes(name)));
    // Every family is declared by a "# TYPE" line even before its first sample; a histogram is queried through its series.
    const families = [...(await scrape()).matchAll(/^# TYPE ([a-z_]+) ([a-z]+)$/gm)];
    const exported = new Set(families.flatMap(([, name, type]) => (type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
    const functions = ['histogram_quantile'];
    expect([...queried].filter((name) => !functions.includes(name) && !exported.has(name))).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });

  it('counts the open seat streams', async () => {
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) => get(`${ctx.url}/shows/${showId}/seats/stream`, resolve));
    expect(sample(await scrape(), 'sse_streams_open')).toBe(1);
    stream.destroy();
  });

  it('compresses a large seat map, keeps its ETag working, and never compresses the stream', async () => {
    // A client of its own: supertest would unzip before the test sees the bytes on the wire.
    const full = await new Promise<{ headers: import('node:http').IncomingHttpHeaders; raw: Buffer }>((resolve) =>
      get(`${ctx.url}/shows/${showId}/seats/`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, raw: Buffer.concat(chunks) }));
      }),
    );
    expect(full.headers['content-encoding']).toBe('gzip');
    const raw = full.raw;
    const body = gunzipSync(raw);
    const json = JSON.parse(body.toString());
    expect(json.seats).toHaveLength(2000);
    // Each seat carries its label, row and kind, and the plan's rows repeat them (API.md Part 4): gzip takes it to under a tenth.
    expect(raw.length).toBeLessThan(body.length / 10);
    expect(raw.length).toBeLessThan(30_000);
    expect(full.headers.vary).toMatch(/accept-encoding/i);
    await ctx.http().get(`/shows/${showId}/seats/`).set('accept-encoding', 'gzip').set('if-none-match', String(full.headers.etag)).expect(304);
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      get(`${ctx.url}/shows/${showId}/seats/stream`, { headers: { 'accept-encoding': 'gzip' } }, resolve),
    );
    expect({ type: stream.headers['content-type'], encoding: stream.headers['content-encoding'] }).toEqual({ type: expect.stringMatching(/^text\/event-stream/), encoding: undefined });
    stream.destroy();
  });

  it('health: live always, ready with what it checked', async () => {
    expect((await ctx.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await ctx.http().get('/health/ready').expect(200)).body).toEqual({
      status: 'ok',
      checks: { database: 'up', seat_events: 'up', redis: 'not configured', jobs: { status: 'up', due: expect.any(Number), failed: 0, oldest_due_seconds: expect.any(Number) } },
    });
  });

  describe('with METRICS_TOKEN', () => {
    let guarded: Awaited<ReturnType<typeof setupE2e>>;
    beforeAll(async () => (guarded = await setupE2e({ env: { METRICS_TOKEN: 'scrape-me-0123456789' } })));
    afterAll(() => guarded?.teardown());

    it('answers only the scraper that has it', async () => {
      expectProblem(await guarded.http().get('/metrics'), 401, 'NOT_AUTHENTICATED');
      expectProblem(await guarded.http().get('/metrics').set('authorization', 'Bearer wrong'), 401, 'NOT_AUTHENTICATED');
      expectProblem(await guarded.http().get('/metrics').set('authorization', `Bearer ${(await signupAndLogin(guarded.http)).access}`), 401, 'NOT_AUTHENTICATED');
      await guarded.http().get('/metrics').set('authorization', 'Bearer scrape-me-0123456789').expect(200);
    });
  });
});
