import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/app-config';
import { SEAT_EVENTS_CHANNEL, SeatChange } from '../../src/seat-events/seat-events.sql';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { signJwt } from '../support/problem';
import { ServiceProcess, SpawnOptions, spawnService, untilHealthy } from '../support/service-process';
import { waitFor } from '../support/wait';

const ADMIN = { username: 'drain_admin', password: 'drain-admin-password' };
const CLIENTS = 16;
const SEATS = 2000;

interface Answer {
  status: number;
  contentType: string;
  connection?: string;
  body: { id?: number; code?: string; access?: string };
}
type Outcome = Answer | { error: string };

/** The answer of a request that must have been answered (setup). */
function answered(outcome: Outcome): Answer {
  if ('error' in outcome) throw new Error(`no answer: ${outcome.error}`);
  return outcome;
}

/** One HTTP/1.1 request on `agent` (keep-alive), its answer or the socket error it met. */
function send(agent: Agent, url: string, method: string, path: string, token?: string, body?: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), connection: res.headers.connection, body: text ? JSON.parse(text) : {} }),
        );
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(payload);
  });
}

/** How the service is run and stopped: a supervisor's SIGTERM to node, or a terminal's Ctrl-C to `npm start`. */
interface Stop {
  name: string;
  signal: 'SIGTERM' | 'SIGINT';
  options: SpawnOptions;
  send(service: ServiceProcess): void;
}

const STOPS: Stop[] = [
  { name: 'SIGTERM to the node process (a supervisor)', signal: 'SIGTERM', options: {}, send: (service) => service.child.kill('SIGTERM') },
  {
    // npm passes its own copy on to the service, which gets the terminal's too: one stop, drained.
    name: 'SIGINT to the process group of `npm start` (Ctrl-C in a terminal)',
    signal: 'SIGINT',
    options: { npmStart: true },
    send: (service) => process.kill(-service.child.pid!, 'SIGINT'),
  },
];

/**
 * A stop while 16 keep-alive clients book: not ready at once, no connection
 * reset, every answer a booking or a problem, every 201 in the database and
 * announced, the streams ended with a last word, the process gone within the
 * drain time.
 */
describe.each(STOPS)('graceful shutdown under load, $name (the real service, e2e)', ({ signal, options, send: stop }) => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let showId: number;
  let tokens: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Kept before it is healthy, so afterAll stops it whatever happens; a busy machine may take long to
    // start it, and `npm start` in a fresh clone builds the service first.
    service = await spawnService(
      {
        DATABASE_URL: db.url,
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        SHUTDOWN_DRAIN_SECONDS: '10',
        LOG_LEVEL: 'info',
      },
      options,
    );
    await untilHealthy(service, 240_000);
    const agent = new Agent();
    const admin = answered(await send(agent, service.url, 'POST', '/login/', undefined, ADMIN)).body.access;
    const movie = answered(await send(agent, service.url, 'POST', '/movies/', admin, { title: 'Drain', duration_minutes: 90 }));
    const show = answered(
      await send(agent, service.url, 'POST', `/movies/${movie.body.id}/shows/`, admin, {
        screen_name: 'Drain screen',
        date_time: new Date(Date.now() + 86400_000).toISOString(),
        total_seats: SEATS,
      }),
    );
    showId = show.body.id as number;
    const { rows } = await db.pool.query<{ id: number; username: string }>(
      `INSERT INTO users (username, username_key, email, password_hash)
       SELECT 'drainer_' || n, 'drainer_' || n, 'drainer_' || n || '@example.com', 'not-a-hash' FROM generate_series(1, $1) AS n RETURNING id, username`,
      [CLIENTS],
    );
    const now = Math.floor(Date.now() / 1000);
    tokens = rows.map((u) => signJwt({ sub: u.id, username: u.username, role: 'customer', typ: 'access', iat: now, exp: now + 600 }, DEVELOPMENT_JWT_SECRET));
    agent.destroy();
  }, 300_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await db?.drop();
  });

  it('drains: no resets, only bookings or problems, every 201 stored and announced, streams told to reconnect', async () => {
    const listener = new Client({ connectionString: db.url });
    listener.on('error', () => undefined);
    await listener.connect();
    const announced = new Set<number>();
    listener.on('notification', (message) => {
      for (const change of JSON.parse(message.payload ?? '[]') as SeatChange[]) {
        if (change.show_id === showId && change.status === 'booked') change.seats.forEach((seat) => announced.add(seat));
      }
    });
    await listener.query(`LISTEN ${SEAT_EVENTS_CHANNEL}`);

    // A seat stream open before the signal.
    const stream = await fetch(`${service.url}/shows/${showId}/seats/stream`);
    const reader = stream.body!.getReader();
    let streamText = '';
    const streamEnded = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        streamText += new TextDecoder().decode(value);
      }
    })();

    // A probe connection, kept alive, for asking /health during the drain.
    const probe = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await send(probe, service.url, 'GET', '/health/live')).toMatchObject({ status: 200 });

    const outcomes: Outcome[] = [];
    let nextSeat = 1;
    let signalled = false;
    const clients = tokens.map(async (token) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (;;) {
        const seat = nextSeat++;
        if (seat > SEATS) break;
        const outcome = await send(agent, service.url, 'POST', `/shows/${showId}/book/`, token, { seat_number: seat });
        outcomes.push(outcome);
        // Refused: the server stopped accepting connections, as it should once it drains.
        if ('error' in outcome && outcome.error === 'ECONNREFUSED') break;
        if (!signalled && outcomes.length >= 200) {
          signalled = true;
          // The probe's connection was just used, so the drain keeps it open for the next request on it.
          expect(await send(probe, service.url, 'GET', '/health/live')).toMatchObject({ status: 200 });
          stop(service);
          await waitFor('the drain to begin', () => service.output().includes(`${signal}: draining`), 2000);
          expect(await send(probe, service.url, 'GET', '/health')).toMatchObject({
            status: 503,
            contentType: expect.stringMatching(/^application\/problem\+json/),
            body: { code: 'SHUTTING_DOWN' },
            connection: 'close',
          });
        }
      }
      agent.destroy();
    });
    const exitedAt = service.exited.then((exit) => ({ ...exit, at: Date.now() }));
    await Promise.all(clients);
    const signalledAt = Date.now();
    const exit = await exitedAt;
    const logged = service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(logged.some((line) => line.msg.includes(`${signal}: draining`))).toBe(true);
    expect(service.output()).not.toContain('stopping without waiting');
    // It really ran under npm (its banner), which did not end before the service did.
    if (options.npmStart) expect(service.output()).toContain('> cinema-booking@1.0.0 start');
    expect({ code: exit.code, warnings: logged.filter((line) => line.level === 'warn' || line.level === 'error') }).toEqual({ code: 0, warnings: [] });
    expect(exit.at - signalledAt).toBeLessThan(10_000);

    const errors = outcomes.filter((o): o is { error: string } => 'error' in o).map((o) => o.error);
    const answers = outcomes.filter((o): o is Answer => !('error' in o));
    expect({ resets: errors.filter((e) => e !== 'ECONNREFUSED') }).toEqual({ resets: [] });
    const nonProblems = answers.filter((a) => a.status !== 201 && !a.contentType.startsWith('application/problem+json'));
    expect(nonProblems).toEqual([]);
    const booked = answers.filter((a) => a.status === 201).map((a) => a.body.id as number);
    expect(booked.length).toBeGreaterThanOrEqual(200);

    const { rows } = await db.pool.query<{ id: number; seat_number: number }>(
      `SELECT id, seat_number FROM bookings WHERE show_id = $1 AND status = 'booked' ORDER BY id`,
      [showId],
    );
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([...booked].sort((a, b) => a - b));
    // The last announcements were sent before the pool closed.
    await waitFor('every booked seat to be announced', () => rows.every((r) => announced.has(r.seat_number)), 5000);

    await streamEnded;
    expect(streamText).toContain(': this server is shutting down; reconnect');
    await listener.end();
    probe.destroy();
  }, 60_000);
});

/**
 * A POST whose body arrives slowly: the headers now (with `Expect: 100-continue`, so the server's
 * "100 Continue" says it has them: the request is in flight), a few bytes of the body once it has
 * them, the rest when `finish` is called. `started` resolves at the 100 Continue.
 */
function slowRequest(url: string, path: string, body: unknown): { started: Promise<void>; outcome: Promise<Outcome>; finish: () => void } {
  const payload = Buffer.from(JSON.stringify(body));
  let req!: ReturnType<typeof httpRequest>;
  const outcome = new Promise<Outcome>((resolve) => {
    req = httpRequest(
      `${url}${path}`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': payload.length, expect: '100-continue' } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), connection: res.headers.connection, body: text ? JSON.parse(text) : {} }),
        );
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
  const started = new Promise<void>((resolve, reject) => {
    req.once('continue', () => {
      req.write(payload.subarray(0, 5));
      resolve();
    });
    void outcome.then((o) => reject(new Error(`answered before it started: ${JSON.stringify(o)}`)));
  });
  req.flushHeaders();
  return { started, outcome, finish: () => req.end(payload.subarray(5)) };
}

const LOGIN = { username: 'nobody_here', password: 'not-the-password' };

/** The service's JSON log lines. */
const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; msg: string; context?: string });

/** What the stop itself warned of (a cut connection, a failed or forced shutdown), by the service's Bootstrap logger. */
const shutdownWarnings = (output: string) => jsonLines(output).filter((line) => line.context === 'Bootstrap' && (line.level === 'warn' || line.level === 'error'));

/**
 * Ctrl-C in a terminal reaches every process of its group: `npm start` and the
 * service both get SIGINT, and npm passes its copy on. Two signals within a
 * moment are one stop, which drains; a signal a moment later still stops at once.
 */
describe('a signal repeated within a moment (Ctrl-C under npm, the real service, e2e)', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });
  afterAll(() => db?.drop());

  /**
   * Kept before it is healthy, so afterEach stops it whatever happens; a busy machine may take long to
   * start it. Ready, not only healthy: up as a terminal's user would have it.
   */
  const start = async (spawned: Promise<ServiceProcess> = spawnService({ DATABASE_URL: db.url, SHUTDOWN_DRAIN_SECONDS: '10', LOG_LEVEL: 'info' })) => {
    const started = await untilHealthy((service = await spawned), 90_000);
    await waitFor('readiness', async () => (await fetch(`${started.url}/health/ready`)).status === 200, 60_000);
    return started;
  };

  it('SIGINT twice within 50 ms while a slow request is in flight: it drains, the request is answered, the exit is clean', async () => {
    const running = await start();
    const slow = slowRequest(running.url, '/login/', LOGIN);
    await slow.started;
    running.child.kill('SIGINT');
    await sleep(30);
    running.child.kill('SIGINT');
    await waitFor('the drain to begin', () => running.output().includes('SIGINT: draining'), 5000);
    // Past the moment in which a copy counts as the same signal: still draining, still waiting for the request.
    await sleep(1200);
    expect(running.child.exitCode).toBeNull();
    slow.finish();
    expect(await slow.outcome).toMatchObject({ status: 401, contentType: expect.stringMatching(/^application\/problem\+json/), connection: 'close' });
    expect(await running.exited).toEqual({ code: 0, signal: null });
    const logged = jsonLines(running.output());
    expect(running.output()).not.toContain('stopping without waiting');
    expect(shutdownWarnings(running.output())).toEqual([]);
    expect(logged.some((line) => /SIGINT again within \d+ ms: the same stop/.test(line.msg))).toBe(true);
    expect(logged.some((line) => /^stopped \d+ ms after SIGINT$/.test(line.msg))).toBe(true);
  }, 180_000);

  it('a second signal more than a moment later still stops at once, without waiting for the slow request', async () => {
    const running = await start();
    const slow = slowRequest(running.url, '/login/', LOGIN);
    await slow.started;
    running.child.kill('SIGINT');
    await waitFor('the drain to begin', () => running.output().includes('SIGINT: draining'), 5000);
    await sleep(1300);
    expect(running.child.exitCode).toBeNull();
    const forcedAt = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - forcedAt).toBeLessThan(5000);
    expect(running.output()).toContain('SIGTERM again: stopping without waiting');
    expect(await slow.outcome).toHaveProperty('error');
  }, 180_000);

  it('with WEB_CONCURRENCY=2, Ctrl-C to the process group plus a copy to the primary: every worker drains, the request is answered', async () => {
    const group = await start(spawnService({ DATABASE_URL: db.url, WEB_CONCURRENCY: '2', SHUTDOWN_DRAIN_SECONDS: '10', LOG_LEVEL: 'info' }, { groupLeader: true }));
    await waitFor('both workers to listen', () => group.output().includes('2 workers are listening'), 60_000);
    // Both workers fully up, as a terminal's user would have them.
    await waitFor(
      'both workers to LISTEN',
      async () => /^seat_events_listening 2$/m.test(await (await fetch(`${group.url}/metrics`)).text()),
      60_000,
    );
    const slow = slowRequest(group.url, '/login/', LOGIN);
    await slow.started;
    // The terminal's Ctrl-C: SIGINT to the primary and both workers; then npm's copy, to the primary.
    process.kill(-group.child.pid!, 'SIGINT');
    await sleep(30);
    group.child.kill('SIGINT');
    await sleep(1200);
    expect(group.child.exitCode).toBeNull();
    slow.finish();
    expect(await slow.outcome).toMatchObject({ status: 401, connection: 'close' });
    expect(await group.exited).toEqual({ code: 0, signal: null });
    expect(group.output()).not.toContain('stopping without waiting');
    expect(group.output()).toContain('every worker has stopped');
    expect(shutdownWarnings(group.output())).toEqual([]);
  }, 240_000);
});
