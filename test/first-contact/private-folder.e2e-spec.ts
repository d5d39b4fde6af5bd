import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relocatedDataDir } from '../../src/database/embedded/server-files';
import { freePort } from '../setup/global-setup';
import { CLONE_NODE_ARGS, linkClone, ServiceProcess, spawnService, stopServerIn, untilHealthy } from '../support/service-process';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const user = { username: `private_${Date.now().toString(36)}`, password: 'password123' };

async function signUpAndLogIn(url: string): Promise<number> {
  const signup = await fetch(`${url}/signup/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...user, email: `${user.username}@example.com` }),
  });
  expect(signup.status).toBe(201);
  return ((await signup.json()) as { id: number }).id;
}

async function logIn(url: string): Promise<number> {
  const login = await fetch(`${url}/login/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  expect(login.status).toBe(200);
  const { access } = (await login.json()) as { access: string };
  const me = await fetch(`${url}/me/`, { headers: { authorization: `Bearer ${access}` } });
  return ((await me.json()) as { id: number }).id;
}

async function stopCleanly(service: ServiceProcess): Promise<void> {
  const exit = await service.stop('SIGTERM');
  expect({ ...exit, output: exit.code === 0 ? '' : service.output() }).toEqual({ code: 0, signal: null, output: '' });
}

/**
 * A clone inside a folder of mode 700 (such as root's home), started with no
 * DATABASE_URL. As root, PostgreSQL runs as the "postgres" user, who cannot
 * reach that folder: the binaries run from a copy and the data is kept under
 * /var/lib/cinema-booking, which the log says. As a normal user nothing moves.
 * Each case runs only as the user it is about, and says why otherwise.
 */
describe('a clone in a private folder, no DATABASE_URL (the real service, e2e)', () => {
  let work: string;
  let clone: string;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cinema-private-'));
    clone = await linkClone(join(work, 'app'));
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    for (const dataDir of [join(clone, '.data'), relocatedDataDir(join(clone, '.data'))]) await stopServerIn(dataDir);
    if (asRoot) await rm(relocatedDataDir(join(clone, '.data')), { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  const start = async (pgPort: number) =>
    (service = await untilHealthy(await spawnService({ EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info' }, { cwd: clone, nodeArgs: CLONE_NODE_ARGS })));

  (asRoot ? it : it.skip)('as root: keeps the data where the server user can reach it, says where, and keeps it across a restart', async () => {
    const pgPort = await freePort();
    const moved = relocatedDataDir(join(clone, '.data'));
    const first = await start(pgPort);
    expect(first.output()).toContain(`who cannot reach ${join(clone, '.data')} (a folder above it is private), so its data is kept in ${moved}`);
    const id = await signUpAndLogIn(first.url);
    await stopCleanly(first);

    const second = await start(pgPort);
    expect(await logIn(second.url)).toBe(id);
    await stopCleanly(second);
    // The user's own folder is as private as before.
    expect((await stat(work)).mode & 0o777).toBe(0o700);
  }, 90_000);

  (asRoot ? it.skip : it)('as a normal user: keeps the data in the clone, and across a restart', async () => {
    const pgPort = await freePort();
    const first = await start(pgPort);
    expect(first.output()).not.toContain('cannot reach');
    expect((await stat(join(clone, '.data', 'PG_VERSION'))).isFile()).toBe(true);
    const id = await signUpAndLogIn(first.url);
    await stopCleanly(first);

    const second = await start(pgPort);
    expect(await logIn(second.url)).toBe(id);
    await stopCleanly(second);
  }, 90_000);

  console.error(
    asRoot
      ? 'private-folder spec: running as root, so the normal-user case is skipped (run npm test as a normal user for it)'
      : 'private-folder spec: running as a normal user, so the root case is skipped (run npm test as root for it)',
  );
});
