import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '../setup/global-setup';
import { UNLIMITED } from '../setup/test-app';
import { waitFor } from './wait';

export const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  exited: Promise<Exit>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** The folder the service runs in (its clone); the repository by default. */
  cwd?: string;
  /** Node flags before the entry point. */
  nodeArgs?: string[];
  /**
   * Defaults to the build's entry point (`dist/src/launch.js`, which runs the bundle
   * `dist/service.js`; the suite's set-up builds both when stale), as `npm start` and the image run it; an entry ending in `.ts` runs through
   * ts-node, as `npm run seed` does.
   */
  entry?: string;
  /**
   * Leads a process group of its own, as `npm start` in a terminal does: `stop`
   * signals the whole group (the primary and its workers alike).
   */
  groupLeader?: boolean;
  /**
   * Runs `npm start` itself (npm, its shell and the build check included), as a
   * terminal's user does, instead of the entry point through ts-node. Implies
   * `groupLeader`: Ctrl-C reaches npm and the service alike.
   */
  npmStart?: boolean;
}

/** What the service would see in a fresh shell: none of the suite's own settings. */
function serviceEnv(env: Record<string, string>, port: number): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'E2E_SERVER_URL', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'JWT_SECRET', 'DATA_DIR', 'EMBEDDED_PG_PORT']) {
    delete base[name];
  }
  return { ...base, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', NO_COLOR: '1', ...UNLIMITED, ...env };
}

/** A TypeScript entry goes through ts-node (transpiling every module it loads at each start: seconds of CPU); a build runs as it is. */
const entryArgs = (entry: string): string[] => (entry.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only', entry] : [entry]);

/** The real service in a child process, exactly as `npm start` runs it (its build, signals, exit codes). */
export async function spawnService(env: Record<string, string>, options: SpawnOptions = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const cwd = options.cwd ?? ROOT;
  const groupLeader = options.groupLeader === true || options.npmStart === true;
  const [command, args] = options.npmStart
    ? // The npm that runs this suite (npm test sets npm_execpath), else the one on PATH.
      process.env.npm_execpath
      ? [process.execPath, [process.env.npm_execpath, 'start']]
      : ['npm', ['start']]
    : [process.execPath, [...(options.nodeArgs ?? []), ...entryArgs(options.entry ?? join(cwd, 'dist', 'src', 'launch.js'))]];
  const child = spawn(command, args, { cwd, env: serviceEnv(env, port), stdio: ['ignore', 'pipe', 'pipe'], detached: groupLeader });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as Exit);
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (groupLeader) {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // The group is gone already.
        }
      } else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Resolves once /health answers 200; fails with the service's output if it exits first. */
export async function untilHealthy(service: ServiceProcess, timeoutMs = 30_000): Promise<ServiceProcess> {
  await waitFor(
    'GET /health to answer 200',
    async () => {
      if (service.child.exitCode !== null) throw new Error(`the service exited with ${service.child.exitCode} before it was healthy:\n${service.output()}`);
      const res = await fetch(`${service.url}/health`).catch(() => undefined);
      return res?.status === 200;
    },
    timeoutMs,
  );
  return service;
}

/** Starts the service and waits for it to give up: how it ended and what it said. */
export async function runUntilExit(env: Record<string, string>, options: SpawnOptions = {}, timeoutMs = 30_000): Promise<Exit & { output: string }> {
  const service = await spawnService(env, options);
  const timer = setTimeout(() => service.child.kill('SIGKILL'), timeoutMs);
  const exit = await service.exited;
  clearTimeout(timer);
  return { ...exit, output: service.output() };
}

/** The lines a process wrote, without blanks. */
export const linesOf = (output: string) => output.split('\n').filter((line) => line.trim() !== '');

/**
 * A clone of the project at `dir` made of symlinks (src, its build, migrations, configs and each
 * package in node_modules but those in `without`). Run with `CLONE_NODE_ARGS`, every
 * path the service sees, the PostgreSQL binaries' included, is inside `dir`: the
 * clone behaves as one made by `git clone` there, in seconds.
 */
export async function linkClone(dir: string, without: string[] = []): Promise<string> {
  const { mkdir, readdir, symlink } = await import('node:fs/promises');
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  for (const entry of ['src', 'dist', 'migrations', 'tsconfig.json', 'package.json']) await symlink(join(ROOT, entry), join(dir, entry));
  const modules = join(ROOT, 'node_modules');
  for (const name of await readdir(modules)) {
    if (without.includes(name)) continue;
    if (!name.startsWith('@')) {
      await symlink(join(modules, name), join(dir, 'node_modules', name));
      continue;
    }
    await mkdir(join(dir, 'node_modules', name));
    for (const inner of await readdir(join(modules, name))) {
      if (!without.includes(`${name}/${inner}`)) await symlink(join(modules, name, inner), join(dir, 'node_modules', name, inner));
    }
  }
  return dir;
}

/** Node resolves modules (and the binaries found through them) by the clone's own paths. */
export const CLONE_NODE_ARGS = ['--preserve-symlinks', '--preserve-symlinks-main'];

/** Stops a PostgreSQL server still running on `dataDir` (a test that failed half-way must not leave one behind). */
export async function stopServerIn(dataDir: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  await waitFor(`PostgreSQL ${pid} to stop`, () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 15_000).catch(() => process.kill(pid, 'SIGKILL'));
}
