#!/usr/bin/env node
/**
 * `npm run bench:web`: the web app's figures, measured in the system's Chromium
 * (playwright-core) against the production build on a database of its own:
 *   1. the JavaScript and CSS a first visit loads, gzipped (budget 150 kB);
 *   2. a 2,000-seat map: from its data arriving to the frame that shows it
 *      (the app's `seat-map:render` Performance measure), and from navigation;
 *   3. 100 live seat updates a second for --seconds, sent through the real
 *      path (PostgreSQL NOTIFY → the service → its SSE stream → the page):
 *      updates applied, frame intervals (rAF), frames over 25 ms (a missed vsync: dropped), long tasks.
 * Each figure is the median of --runs (5) page loads.
 *
 * Options: --runs N (5), --seconds S (5), --rate N updates per second (100).
 */
'use strict';
/* global window, document, requestAnimationFrame, MutationObserver -- the functions passed to page.evaluate run in the page */

const { randomBytes } = require('node:crypto');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { Client } = require('pg');
const { ROOT, api, createDatabase, fmt, log, median, percentile, printTable, startPostgresServer, startService, writeResults } = require('./lib');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const RUNS = Number(args.runs ?? 5);
const SECONDS = Number(args.seconds ?? 5);
const RATE = Number(args.rate ?? 100);
const SEATS = 2000;
/** A frame that took longer than one and a half 60 Hz frames missed its vsync: dropped. */
const FRAME_BUDGET_MS = 25;

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error('no Chromium found: apt-get install chromium, or set CHROMIUM_PATH');
}

/** The first load's assets, as the service sends them: gzipped. */
function firstLoadBytes() {
  const dir = join(ROOT, 'dist/web/assets');
  const files = readdirSync(dir);
  const size = (ext) => files.filter((f) => f.endsWith(ext)).reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 6 }).length, 0);
  return { js: size('.js'), css: size('.css') };
}

/** A show of 2,000 seats, a third of them booked, through the API. */
async function createShow(base) {
  const admin = (await api(base, 'POST', '/login/', undefined, { username: 'bench_admin', password: 'bench-admin-password' })).access;
  const movie = await api(base, 'POST', '/movies/', admin, { title: 'Benchmark premiere', duration_minutes: 120 });
  const show = await api(base, 'POST', `/movies/${movie.id}/shows/`, admin, {
    screen_name: 'Bench 1',
    date_time: new Date(Date.now() + 30 * 86400_000).toISOString(),
    total_seats: SEATS,
  });
  const username = `bench_${randomBytes(3).toString('hex')}`;
  await api(base, 'POST', '/signup/', undefined, { username, email: `${username}@example.com`, password: 'password123' });
  const token = (await api(base, 'POST', '/login/', undefined, { username, password: 'password123' })).access;
  for (let seat = 1; seat <= SEATS / 3; seat += 30) {
    await api(base, 'POST', `/shows/${show.id}/book/`, token, { seat_numbers: Array.from({ length: 10 }, (_, k) => seat + k) });
  }
  return show;
}

/** Records, in the page, every frame interval and long task, and counts seats whose state changes. */
function watchFrames() {
  const w = window;
  w.__bench = { frames: [], longTasks: 0, changes: 0, running: true };
  let last = performance.now();
  const tick = (now) => {
    w.__bench.frames.push(now - last);
    last = now;
    if (w.__bench.running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => (w.__bench.longTasks += list.getEntries().length)).observe({ type: 'longtask' });
  new MutationObserver((records) => (w.__bench.changes += records.length)).observe(document.querySelector('.seat-rows'), {
    attributes: true,
    attributeFilter: ['class'],
    subtree: true,
  });
}

/** RATE changes a second of seats that are available (held, then available again), as NOTIFYs on the service's channel. */
async function sendUpdates(dbUrl, showId) {
  const client = new Client({ connectionString: dbUrl });
  await client.connect();
  const total = RATE * SECONDS;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    // 250 seats held one by one, then the same 250 given back: every update changes a seat.
    const seat = Math.ceil(SEATS / 3) + 1 + (((i % 250) * 7) % Math.floor((2 * SEATS) / 3 - 1));
    const status = Math.floor(i / 250) % 2 === 0 ? 'held' : 'available';
    await client.query('SELECT pg_notify($1, $2)', ['seat_events', JSON.stringify([{ show_id: showId, status, seats: [seat] }])]);
    const due = started + ((i + 1) * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  await client.end();
  return total;
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is missing: run `npm run bench:web`, which builds first');
  const { chromium } = require('playwright-core');
  const pg = await startPostgresServer();
  const db = await createDatabase(pg.url);
  const service = await startService(db.url, randomBytes(32).toString('hex'), {
    env: { MAX_BOOKED_SEATS_PER_SHOW: String(SEATS), BOOKINGS_PER_USER_PER_MINUTE: '100000', BOOKINGS_PER_IP_PER_MINUTE: '100000' },
  });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  const runs = [];
  try {
    const show = await createShow(service.base);
    for (let round = 0; round < RUNS; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${service.base}/shows/${show.id}`);
      await page.getByText('Live: seats change here').waitFor();
      const render = await page.waitForFunction(() => {
        const [entry] = performance.getEntriesByName('seat-map:render');
        return entry && { renderMs: entry.duration, fromNavigationMs: entry.startTime + entry.duration };
      });
      const { renderMs, fromNavigationMs } = await render.jsonValue();
      await page.evaluate(watchFrames);
      log(`run ${round + 1}/${RUNS}: ${RATE} updates a second for ${SECONDS} s`);
      const sent = await sendUpdates(db.url, show.id);
      await page.waitForFunction((n) => window.__bench.changes >= n, sent, { timeout: 10_000 }).catch(() => undefined);
      const seen = await page.evaluate(() => {
        window.__bench.running = false;
        return window.__bench;
      });
      const frames = seen.frames.slice(1);
      runs.push({
        renderMs,
        fromNavigationMs,
        sent,
        applied: seen.changes,
        frames: frames.length,
        frameP50: percentile(frames, 50),
        frameP99: percentile(frames, 99),
        frameMax: Math.max(...frames),
        dropped: frames.filter((f) => f > FRAME_BUDGET_MS).length,
        longTasks: seen.longTasks,
      });
      log(JSON.stringify(runs[runs.length - 1]));
      await context.close();
    }
    const bytes = firstLoadBytes();
    const m = (pick) => median(runs.map(pick));
    const summary = { date: new Date().toISOString(), chromium: browser.version(), settings: { runs: RUNS, seconds: SECONDS, rate: RATE, seats: SEATS }, bytes, runs };
    printTable([
      ['figure', `median of ${RUNS}`, 'target'],
      ['first load, JS + CSS gzipped kB', `${fmt(bytes.js / 1024, 1)} + ${fmt(bytes.css / 1024, 1)}`, 'JS ≤ 150'],
      ['2,000-seat map: data → painted ms', fmt(m((r) => r.renderMs), 1), '< 200'],
      ['2,000-seat map: navigation → painted ms', fmt(m((r) => r.fromNavigationMs)), ''],
      [`live updates sent / applied (${RATE}/s, ${SECONDS} s)`, `${fmt(m((r) => r.sent))} / ${fmt(m((r) => r.applied))}`, 'all'],
      ['frame interval p50 / p99 / max ms', `${fmt(m((r) => r.frameP50), 1)} / ${fmt(m((r) => r.frameP99), 1)} / ${fmt(m((r) => r.frameMax), 1)}`, ''],
      [`frames over ${FRAME_BUDGET_MS} ms (dropped) / long tasks`, `${fmt(m((r) => r.dropped))} / ${fmt(m((r) => r.longTasks))}`, '0 / 0'],
    ]);
    writeResults('web-', summary);
  } finally {
    await browser.close();
    await service.stop();
    await db.drop().catch((e) => log(`could not drop ${db.name}: ${e.message}`));
    await pg.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
