'use strict';
/** What every benchmark script shares: a PostgreSQL, a database of its own, the production service, medians, tables. */

const { spawn } = require('node:child_process');
const { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');

const ROOT = join(__dirname, '..');

const log = (...parts) => console.error('[bench]', ...parts);
const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await check().catch((error) => {
      if (error.fatal) throw error;
      return false;
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startPostgresServer() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const { startEmbeddedPostgres } = require(join(ROOT, 'dist/src/database/embedded/embedded-postgres.js'));
  const dir = mkdtempSync(join(tmpdir(), 'cinema-bench-'));
  log('no DATABASE_URL: starting an embedded PostgreSQL (durable settings, as in production)');
  const server = await startEmbeddedPostgres({
    dataDir: join(dir, 'data'),
    port: await freePort(),
    database: 'postgres',
    serverFlags: ['-c', 'max_connections=200'],
    logger: { log: () => undefined, debug: () => undefined, error: (m) => log(m) },
  });
  // A throwaway cluster: its files go when it stops. As root it lives where the server's
  // user can reach it (server.dataDir, outside the private temporary folder): that goes too.
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      for (const path of [server.dataDir, dir]) rmSync(path, { recursive: true, force: true });
    },
  };
}

async function createDatabase(serverUrl) {
  const name = `bench_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * The bench's one client address would hit the per-address limits at once; it
 * raises them (and the per-customer caps its few users would hit) through their
 * documented variables. Everything else stays as users run it: the limiter,
 * request logging at info (to /dev/null, as fast as a pipe to a collector),
 * metrics.
 */
const BENCH_LIMITS = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
  SIGNUPS_PER_IP_PER_HOUR: '10000000',
  BOOKINGS_PER_IP_PER_MINUTE: '10000000',
  BOOKINGS_PER_USER_PER_MINUTE: '10000000',
  HOLDS_PER_IP_PER_MINUTE: '10000000',
  HOLDS_PER_USER_PER_MINUTE: '10000000',
  MAX_BOOKED_SEATS_PER_SHOW: '2000',
  PASSWORD_HASHES_PER_IP: '10000',
};

/**
 * A mail server in the bench's process that takes every message and keeps
 * only a count: the service sends its e-mail (tickets, QR codes) over real
 * SMTP while it is measured, as it would in production.
 */
let mailSink;
async function mailSinkUrl() {
  if (!mailSink) {
    const { SMTPServer } = require('smtp-server');
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // No reverse DNS of 127.0.0.1 per connection: on a machine without a resolver it waits for a timeout.
      disableReverseLookup: true,
      logger: false,
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          mailSink.received++;
          callback();
        });
      },
    });
    const port = await freePort();
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    server.server.unref();
    mailSink = { url: `smtp://127.0.0.1:${port}`, received: 0 };
  }
  return mailSink.url;
}

/** The production build on a free port; `env` adds or overrides settings, `nodeArgs` goes before the script (e.g. --cpu-prof). */
async function startService(databaseUrl, jwtSecret, { env = {}, nodeArgs = [], limits = BENCH_LIMITS, node } = {}) {
  const port = await freePort();
  const smtpUrl = await mailSinkUrl();
  // The same heap flags as `npm start` and the Dockerfile, unless BENCH_SERVICE_NODE_FLAGS says otherwise.
  const nodeFlags = (process.env.BENCH_SERVICE_NODE_FLAGS ?? '--max-old-space-size=192 --max-semi-space-size=32').split(' ').filter(Boolean);
  const logFile = join(tmpdir(), `cinema-bench-service-${port}.log`);
  const logFd = openSync(logFile, 'w');
  // The runtime the service runs on: this node, unless `node` names another binary (the runtimes scenario).
  const child = spawn(node ?? process.execPath, [...nodeFlags, ...nodeArgs, join(ROOT, 'dist/src/launch.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      ADMIN_USERNAME: 'bench_admin',
      ADMIN_PASSWORD: 'bench-admin-password',
      LOG_LEVEL: 'info',
      SMTP_URL: smtpUrl,
      ...limits,
      ...env,
    },
    // Its log goes to a file (as cheap as a pipe to a collector), read back only if it fails to start.
    stdio: ['ignore', logFd, 'inherit'],
  });
  closeSync(logFd);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw Object.assign(new Error(`exited with code ${child.exitCode} (its error output is above)`), { fatal: true });
      return (await fetch(`${base}/health`)).ok;
    }, 'the service to answer /health');
  } catch (error) {
    log(`the service did not start; its log ends:\n${readFileSync(logFile, 'utf8').split('\n').slice(-5).join('\n')}`);
    child.kill('SIGKILL');
    throw error;
  }
  const stop = () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))));
  return { child, base, port, stop: () => stop().then(() => rmSync(logFile, { force: true })) };
}

async function api(base, method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}


/** Prints rows (the first is the header) as a Markdown table on stdout. */
function printTable(table) {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => String(row[c]).length)));
  console.log(table.map((row) => `| ${row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`).join('\n'));
}

/** Writes a summary to bench/results/<prefix><date>.json (ignored by git) and says where. */
function writeResults(prefix, summary) {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `${prefix}${summary.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  log(`results written to ${file}`);
}

const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** Clock ticks per second of /proc's CPU counters (USER_HZ: 100 on Linux unless `getconf CLK_TCK` says otherwise). */
const TICKS = Number(require('node:child_process').spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU milliseconds (user + system) a process has used so far, from its own
 * /proc counters; with `children`, its live children's too (cluster workers).
 */
function cpuMs(pid, children = false) {
  const of = (p) => {
    const stat = require('node:fs').readFileSync(`/proc/${p}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  };
  let ms = of(pid);
  if (children) {
    const kids = require('node:child_process')
      .spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .map(Number)
      .filter(Boolean);
    for (const kid of kids) ms += of(kid);
  }
  return ms;
}

module.exports = { cpuMs, mailsReceived: () => mailSink?.received ?? 0, ROOT, BENCH_LIMITS, log, median, percentile, fmt, freePort, waitFor, startPostgresServer, createDatabase, startService, api, printTable, writeResults };
