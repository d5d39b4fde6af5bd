import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { EmbeddedPostgresError } from './embedded-postgres.error';
import {
  Binaries,
  exists,
  locateBinaries,
  notUnderAFile,
  reachableBinaries,
  relocatedDataDir,
  ServerUser,
  serverUser,
  traversable,
} from './server-files';

export { EmbeddedPostgresError };

export interface RunningPostgres {
  url: string;
  /** Where the cluster really lives (see relocatedDataDir when running as root). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Extra server settings, e.g. ['-c', 'fsync=off'] for throwaway test clusters. */
  serverFlags?: string[];
  logger?: Pick<Logger, 'log' | 'debug' | 'warn'>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** Next to PostgreSQL's own postmaster.pid: the pid of the service that started the server, so a later start can tell an orphan from a server in use. */
const OWNER_FILE = 'cinema-service.pid';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts PostgreSQL from the binaries of the npm package for this platform,
 * creating the cluster on first use and keeping it in `dataDir` across
 * restarts. Every way this can fail ends in an EmbeddedPostgresError whose
 * message says what to do.
 *
 * - As root the server runs as the `postgres` system user. When that user
 *   cannot reach the clone (a private folder above it), the binaries are run
 *   from a copy and the data kept under /var/lib/cinema-booking (logged);
 *   the permissions of the user's own folders are never changed.
 * - The server runs in its own process group, so a Ctrl-C in the terminal
 *   reaches the service, which drains its requests before stopping the server.
 * - A server left running by a service that was killed (kill -9) is taken over
 *   by the next start, which then answers at once; a server that another live
 *   service uses is refused.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<RunningPostgres> {
  const logger = options.logger ?? new Logger('EmbeddedPostgres');
  const database = options.database ?? 'cinema';
  const user = await serverUser();
  let binaries = await locateBinaries();
  let dataDir = resolve(options.dataDir);
  if (user) {
    binaries = await reachableBinaries(binaries, user);
    if (!(await traversable(dataDir, user))) {
      const moved = relocatedDataDir(dataDir);
      logger.log(
        `running as root: PostgreSQL runs as the "${user.name}" user, who cannot reach ${dataDir} ` +
          `(a folder above it is private), so its data is kept in ${moved}`,
      );
      dataDir = moved;
    }
  }
  await prepareDataDir(dataDir, user);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;

  const previous = await runningServer(dataDir);
  if (previous) {
    if (previous.owner === 'alive' || previous.owner === 'none') {
      throw new EmbeddedPostgresError(
        `the data folder ${dataDir} is in use by ${previous.owner === 'alive' ? 'another running service' : 'another PostgreSQL server'} ` +
          `(pid ${previous.pid}): stop it, or give this service its own DATA_DIR and EMBEDDED_PG_PORT`,
      );
    }
    if (previous.port === options.port && previous.ready) {
      logger.log(`taking over the PostgreSQL server (pid ${previous.pid}) that an earlier run of the service left behind`);
      const server = new ServerProcess(previous.pid);
      return finishStart(server, dataDir, url, database, logger);
    }
    logger.log(`stopping the PostgreSQL server (pid ${previous.pid}) that an earlier run left behind on port ${previous.port}`);
    await new ServerProcess(previous.pid).stop();
  }

  if (!(await exists(join(dataDir, 'PG_VERSION')))) {
    if ((await readdir(dataDir)).length > 0) {
      throw new EmbeddedPostgresError(`${dataDir} is not empty but holds no PostgreSQL cluster: empty it or set DATA_DIR to another folder`);
    }
    logger.log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await initdb(binaries, dataDir, user);
  }
  await assertPortFree(options.port);
  const server = await spawnServer(binaries, dataDir, options, user, logger);
  return finishStart(server, dataDir, url, database, logger);
}

async function finishStart(server: ServerProcess, dataDir: string, url: string, database: string, logger: Pick<Logger, 'log'>) {
  try {
    await ensureDatabase(url, database);
    await writeFile(join(dataDir, OWNER_FILE), `${process.pid}\n`);
  } catch (error) {
    await server.stop();
    throw error instanceof EmbeddedPostgresError ? error : new EmbeddedPostgresError(`embedded PostgreSQL started but did not answer: ${(error as Error).message}`);
  }
  // Whatever ends this process (an uncaught error included) asks the server to stop too.
  const onExit = () => server.signal('SIGINT');
  process.once('exit', onExit);
  logger.log(`embedded PostgreSQL ${server.pid} listening on ${new URL(url).host}, data in ${dataDir}`);
  return {
    url,
    dataDir,
    stop: async () => {
      process.removeListener('exit', onExit);
      await server.stop();
      await rm(join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

async function prepareDataDir(dataDir: string, user: ServerUser | undefined): Promise<void> {
  try {
    // Folders above it that we make must let the server user through; the data folder itself is its own.
    await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (user) {
      const info = await stat(dataDir);
      if (info.uid !== user.uid) {
        if ((await readdir(dataDir)).length > 0) {
          throw new EmbeddedPostgresError(
            `${dataDir} belongs to uid ${info.uid}, but PostgreSQL runs as "${user.name}": give it to that user or set DATA_DIR to a new folder`,
          );
        }
        await chown(dataDir, user.uid, user.gid);
      }
    }
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    // A file where a folder should be: mkdir says EEXIST or ENOTDIR, depending on where it is; name it.
    const underAFile = await notUnderAFile(dataDir);
    if (underAFile) throw underAFile;
    const code = (error as NodeJS.ErrnoException).code;
    throw new EmbeddedPostgresError(
      `cannot use ${dataDir} for the embedded PostgreSQL's data (${code ?? (error as Error).message}); ` +
        'set DATA_DIR to a folder you can write, or DATABASE_URL to your own PostgreSQL',
    );
  }
}

interface PreviousServer {
  pid: number;
  port: number;
  ready: boolean;
  /** Who started it: a service that still runs, one that died (an orphan to take over), or nobody we know. */
  owner: 'alive' | 'dead' | 'none';
}

/**
 * The port of a ready server that a running service started on `dataDir` (or on
 * the folder it is moved to when run as root), so a command-line tool run beside
 * it reaches it whatever EMBEDDED_PG_PORT the service was given.
 */
export async function portOfServiceServer(dataDir: string): Promise<number | undefined> {
  for (const dir of [resolve(dataDir), relocatedDataDir(dataDir)]) {
    const server = await runningServer(dir);
    if (server?.ready && server.owner === 'alive') return server.port;
  }
  return undefined;
}

/** The server that postmaster.pid says runs on this data folder, if it still lives. */
async function runningServer(dataDir: string): Promise<PreviousServer | undefined> {
  const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isPostgres(pid))) return undefined;
  const recorded = (await readFile(join(dataDir, OWNER_FILE), 'utf8').catch(() => '')).trim();
  const owner = Number(recorded);
  const state = !recorded || !Number.isInteger(owner) ? 'none' : owner !== process.pid && isAlive(owner) ? 'alive' : 'dead';
  return { pid, port: Number(lines[3]), ready: lines[7]?.trim() === 'ready', owner: state };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and (where /proc tells) a postgres process, not an unrelated one that reused the pid. */
async function isPostgres(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return comm === undefined || comm.includes('postgres');
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EmbeddedPostgresError(
          error.code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port (or DATABASE_URL to use your own PostgreSQL)`
            : `cannot listen on 127.0.0.1:${port} (${error.code}): set EMBEDDED_PG_PORT to another port`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort()));
  });
}

/** The server's environment: nothing of the service's own (its secrets included). */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

function ids(user: ServerUser | undefined): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

async function initdb(binaries: Binaries, dataDir: string, user: ServerUser | undefined): Promise<void> {
  const passwordFile = join(tmpdir(), `cinema-pg-password-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (user) await chown(passwordFile, user.uid, user.gid);
    const args = ['-D', dataDir, '-U', USER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--no-locale'];
    const { code, output } = await runToEnd(spawn(binaries.initdb, args, { ...ids(user), env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] }), binaries.initdb, user);
    if (code !== 0) {
      throw new EmbeddedPostgresError(`initdb could not create a cluster in ${dataDir}: ${lastLine(output)}`);
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function runToEnd(child: ChildProcess, file: string, user: ServerUser | undefined): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => reject(spawnError(error as NodeJS.ErrnoException, file, user)));
    child.once('close', (code) => resolveRun({ code, output }));
  });
}

function spawnError(error: NodeJS.ErrnoException, file: string, user: ServerUser | undefined): EmbeddedPostgresError {
  if (error.code === 'EACCES') {
    return new EmbeddedPostgresError(
      `${user ? `the "${user.name}" user` : 'this user'} may not run ${file} (permission denied): ` +
        'move the clone to a folder that user can reach, or set DATABASE_URL',
    );
  }
  if (error.code === 'ENOENT') {
    return new EmbeddedPostgresError(`the embedded PostgreSQL binaries are missing (${file}): reinstall with npm install, or set DATABASE_URL`);
  }
  return new EmbeddedPostgresError(`could not run ${file}: ${error.message}`);
}

const lastLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-1)[0] ?? 'no output';

/** What the server said when it gave up, as advice. */
function startFailure(output: string, dataDir: string, port: number): EmbeddedPostgresError {
  if (/could not bind|Address already in use/i.test(output)) {
    return new EmbeddedPostgresError(`port ${port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`);
  }
  if (/lock file .* already exists/i.test(output)) {
    return new EmbeddedPostgresError(`the data folder ${dataDir} is in use by another PostgreSQL server: stop it, or set DATA_DIR to another folder`);
  }
  if (/Permission denied|has invalid permissions|wrong ownership/i.test(output)) {
    return new EmbeddedPostgresError(`PostgreSQL may not use ${dataDir} (${lastLine(output)}): set DATA_DIR to a folder of your own`);
  }
  return new EmbeddedPostgresError(`embedded PostgreSQL stopped during start-up: ${lastLine(output)}`);
}

async function spawnServer(
  binaries: Binaries,
  dataDir: string,
  options: EmbeddedOptions,
  user: ServerUser | undefined,
  logger: Pick<Logger, 'debug'>,
): Promise<ServerProcess> {
  const args = [
    '-D', dataDir,
    '-p', String(options.port),
    '-c', 'listen_addresses=127.0.0.1',
    // TCP only: no socket file in a folder that may not exist or be writable here.
    '-c', 'unix_socket_directories=',
    '-c', 'lc_messages=C',
    ...(options.serverFlags ?? []),
  ];
  const child = spawn(binaries.postgres, args, { ...ids(user), env: serverEnv(), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const server = new ServerProcess(child.pid ?? -1, child);
  let output = '';
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => {
      server.signal('SIGQUIT');
      reject(new EmbeddedPostgresError(`embedded PostgreSQL did not get ready within ${START_TIMEOUT_MS / 1000} s: ${lastLine(output)}`));
    }, START_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(spawnError(error as NodeJS.ErrnoException, binaries.postgres, user));
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(startFailure(output, dataDir, options.port));
    });
    // Read the server's log for as long as it runs: a full pipe would block it.
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (output.length < 64 * 1024) output += text;
      for (const line of text.split('\n')) if (line.trim()) logger.debug?.(line.trim());
      if (text.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolveStart();
      }
    });
  });
  return server;
}

/** A running postmaster: our child, or one taken over from an earlier run (then only its pid is known). */
class ServerProcess {
  constructor(
    readonly pid: number,
    private readonly child?: ChildProcess,
  ) {}

  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  private async exited(): Promise<boolean> {
    if (this.child) return this.child.exitCode !== null || this.child.signalCode !== null;
    // Not our child: once it exits it may stay a zombie until its new parent reaps it.
    const state = await readFile(`/proc/${this.pid}/stat`, 'utf8').then((stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3), () => undefined);
    return state === 'Z' || !isAlive(this.pid);
  }

  /** Fast shutdown (SIGINT: sessions end, a checkpoint is written); harder signals only if that hangs. */
  async stop(): Promise<void> {
    for (const [signal, waitMs] of [['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', 5000], ['SIGKILL', 5000]] as const) {
      if (await this.exited()) return;
      this.signal(signal);
      const deadline = Date.now() + waitMs;
      while (!(await this.exited()) && Date.now() < deadline) await sleep(25);
    }
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString(), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
