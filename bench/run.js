#!/usr/bin/env node
/**
 * `npm run bench`: starts the production build against PostgreSQL (DATABASE_URL's
 * server, or an embedded one), creates its own data, and measures side by side:
 *   1. booking throughput (autocannon) and 2. the pgbench floor of one durable INSERT,
 *   3. seat map reads (with and without If-None-Match) against a bare node:http floor,
 *   4. a sell-out race of 1,000 users for 200 seats, 5. the service's peak RSS.
 * Every scenario runs --runs times (default 3); the table shows medians.
 *
 * Options: --runs N (3), --duration S (10), --connections N (64),
 *          --only booking,bare,floor,seatmap,race (all), --cpu-prof (profile the service into bench/results/).
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');
const jwt = require('jsonwebtoken');
const { Client } = require('pg');
const { ROOT, api, createDatabase, fmt, freePort, log, median, percentile, printTable, startPostgresServer, startService, writeResults } = require('./lib');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const RUNS = Number(args.runs ?? 3);
const DURATION = Number(args.duration ?? 10);
const CONNECTIONS = Number(args.connections ?? 64);
const SHOWS = 200;
const SEATS_PER_SHOW = 2000;
const USERS = 50;
const RACE_USERS = 1000;
const RACE_SEATS = 200;
const MAP_SEATS = 300;
const PGBENCH_CLIENTS = 32;
const ONLY = new Set((args.only ?? 'booking,bare,floor,seatmap,race').split(','));
const CPU_PROF = 'cpu-prof' in args;

async function createData(base, db, jwtSecret) {
  const admin = (await api(base, 'POST', '/login/', undefined, { username: 'bench_admin', password: 'bench-admin-password' })).access;
  const adminId = (await api(base, 'GET', '/me/', admin)).id;
  const movie = await api(base, 'POST', '/movies/', admin, { title: 'Benchmark premiere', duration_minutes: 120 });
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
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query(
    `INSERT INTO users (username, username_key, email, password_hash)
     SELECT 'racer_' || n, 'racer_' || n, 'racer_' || n || '@example.com', 'not-a-login-hash' FROM generate_series(1, $1) AS n
     RETURNING id, username`,
    [RACE_USERS],
  );
  await client.end();
  const racers = rows.map((u) =>
    jwt.sign({ sub: u.id, username: u.username, role: 'customer', typ: 'access' }, jwtSecret, { algorithm: 'HS256', expiresIn: 3600 }),
  );
  return { admin, adminId, movie, shows, mapShow, tokens, racers, makeShow };
}

function runAutocannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, duration: DURATION }, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

async function bookingThroughput(base, data) {
  return bookingLoad(base, data);
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
      CREATE UNIQUE INDEX ON floor_bookings (show_id, seat_number) WHERE status = 'booked';`],
    { env, encoding: 'utf8' },
  );
  if (setup.status !== 0) throw new Error(`pgbench setup failed: ${setup.stderr}`);
  const script = join(mkdtempSync(join(tmpdir(), 'pgbench-')), 'insert.sql');
  writeFileSync(
    script,
    `\\set show random(1, 100000000)\n\\set seat random(1, ${SEATS_PER_SHOW})\n` +
      `INSERT INTO floor_bookings (user_id, show_id, seat_number, status, created_at) VALUES (1, :show, :seat, 'booked', now()) ON CONFLICT DO NOTHING;\n`,
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

async function sellOutRace(base, db, data, round) {
  const show = await data.makeShow(SHOWS + 10 + round, RACE_SEATS);
  const latencies = [];
  const statuses = {};
  const sold = [];
  const started = performance.now();
  let soldOutAt = NaN;
  await Promise.all(
    data.racers.map(async (token) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const seat = 1 + Math.floor(Math.random() * RACE_SEATS);
        const t0 = performance.now();
        const res = await fetch(`${base}/shows/${show.id}/book/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ seat_number: seat }),
        });
        const body = await res.json();
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) {
          sold.push(body.seat_number);
          if (sold.length === RACE_SEATS) soldOutAt = performance.now() - started;
          return;
        }
        if (res.status !== 409 || body.code === 'SHOW_FULL') return;
      }
    }),
  );
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
    p99: percentile(latencies, 99),
    requests: latencies.length,
    errors: Object.entries(statuses).reduce((n, [code, count]) => n + (code === '201' || code === '409' ? 0 : count), 0),
  };
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `npm run bench`, which builds first');
  const pg = await startPostgresServer();
  const db = await createDatabase(pg.url);
  const jwtSecret = randomBytes(32).toString('hex');
  const service = await startService(db.url, jwtSecret, { nodeArgs: CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench/results')] : [] });
  const runs = [];
  try {
    const data = await createData(service.base, db, jwtSecret);
    for (let round = 0; round < RUNS; round++) {
      log(`run ${round + 1}/${RUNS}: booking throughput (${CONNECTIONS} connections, ${DURATION}s)`);
      const booking = ONLY.has('booking') ? await bookingThroughput(service.base, data) : {};
      log(`run ${round + 1}/${RUNS}: the same booking statement behind a bare node:http + pg server`);
      const bare = ONLY.has('bare') ? await bareBookingThroughput(db, data) : {};
      log(`run ${round + 1}/${RUNS}: pgbench floor (${PGBENCH_CLIENTS} clients)`);
      const floor = ONLY.has('floor') ? await pgbenchFloor(db) : {};
      log(`run ${round + 1}/${RUNS}: seat map reads`);
      const seatMap = ONLY.has('seatmap') ? await seatMapReads(service.base, data) : {};
      log(`run ${round + 1}/${RUNS}: sell-out race (${RACE_USERS} users, ${RACE_SEATS} seats)`);
      const race = ONLY.has('race') ? await sellOutRace(service.base, db, data, round) : {};
      runs.push({ booking, bare, floor, seatMap, race });
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
      booking_errors: runs.reduce((n, r) => n + (r.booking.errors ?? 0), 0),
      bare_booking_rps: m((r) => r.bare.rps),
      booking_ratio_to_bare: m((r) => r.booking.rps / r.bare.rps),
      pgbench_floor_tps: m((r) => r.floor.tps),
      booking_ratio_to_floor: m((r) => r.booking.rps / r.floor.tps),
      seat_map_rps: m((r) => r.seatMap.rps),
      seat_map_p99_ms: m((r) => r.seatMap.p99),
      seat_map_304_rps: m((r) => r.seatMap.rps304),
      seat_map_304_p99_ms: m((r) => r.seatMap.p99_304),
      http_floor_rps: m((r) => r.seatMap.floorRps),
      seat_map_ratio_to_floor: m((r) => r.seatMap.rps / r.seatMap.floorRps),
      seat_map_304_ratio_to_floor: m((r) => r.seatMap.rps304 / r.seatMap.floorRps),
      sellout_ms: m((r) => r.race.sellOutMs),
      sellout_p99_ms: m((r) => r.race.p99),
      sellout_all_agree: ONLY.has('race') ? runs.every((r) => r.race.agrees && r.race.errors === 0) : undefined,
      peak_rss_mb: rssMb,
      runs,
    };
    printTable([
      ['metric', `median of ${RUNS}`, 'target'],
      ['booking answers/s (201+409)', fmt(summary.booking_rps), ''],
      ['pgbench floor, durable INSERT tps', fmt(summary.pgbench_floor_tps), ''],
      ['booking / floor', fmt(summary.booking_ratio_to_floor, 2), '≥ 0.25'],
      ['booking p50 / p99 ms', `${fmt(summary.booking_p50_ms, 1)} / ${fmt(summary.booking_p99_ms, 1)}`, 'p99 ≤ 50'],
      ['booking errors (all runs)', String(summary.booking_errors), '0'],
      ['same statement, bare node:http + pg, answers/s', fmt(summary.bare_booking_rps), ''],
      ['booking / bare server (framework cost)', fmt(summary.booking_ratio_to_bare, 2), ''],
      ['seat map req/s (full / 304)', `${fmt(summary.seat_map_rps)} / ${fmt(summary.seat_map_304_rps)}`, ''],
      ['bare node:http req/s, same bytes', fmt(summary.http_floor_rps), ''],
      ['seat map / HTTP floor (full / 304)', `${fmt(summary.seat_map_ratio_to_floor, 2)} / ${fmt(summary.seat_map_304_ratio_to_floor, 2)}`, '≥ 0.35'],
      ['seat map p99 ms (full / 304)', `${fmt(summary.seat_map_p99_ms, 1)} / ${fmt(summary.seat_map_304_p99_ms, 1)}`, ''],
      ['sell-out: time to sell 200 seats ms', fmt(summary.sellout_ms), ''],
      ['sell-out: p99 ms', fmt(summary.sellout_p99_ms, 1), '≤ 100'],
      ['sell-out: exactly 200 sold, DB agrees', String(summary.sellout_all_agree), 'true'],
      ['service peak RSS MB', fmt(summary.peak_rss_mb), '≤ 250'],
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
