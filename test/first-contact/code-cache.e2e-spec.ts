import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { ROOT, spawnService, untilHealthy } from '../support/service-process';
import { waitFor } from '../support/wait';

/**
 * dist/src/launch.js, the entry point of `npm start` and the image, runs the
 * bundle dist/service.js with V8's code cache in dist/.code-cache. Each test
 * runs a copy of the two files of its own (the packages linked), so the
 * suite's other services, which share the build, are left alone.
 */
describe('start-up: the bundle and its code cache (e2e, real processes)', () => {
  let db: TestDatabase;
  let dir: string;
  const cacheDir = () => join(dir, 'dist', '.code-cache');
  const caches = async () => (await readdir(cacheDir()).catch(() => [] as string[])).filter((name) => name.endsWith('.bin'));

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cinema-launch-'));
    await mkdir(join(dir, 'dist', 'src'), { recursive: true });
    await copyFile(join(ROOT, 'dist', 'service.js'), join(dir, 'dist', 'service.js'));
    await copyFile(join(ROOT, 'dist', 'src', 'launch.js'), join(dir, 'dist', 'src', 'launch.js'));
    await copyFile(join(ROOT, 'package.json'), join(dir, 'package.json'));
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** One start of the copy until /health answers 200, then its stop; what it printed. */
  async function startAndStop(env: Record<string, string> = {}): Promise<string> {
    const service = await spawnService({ DATABASE_URL: db.url, ...env }, { cwd: dir, entry: join(dir, 'dist', 'src', 'launch.js'), groupLeader: true });
    let status = 0;
    try {
      await untilHealthy(service);
      status = (await fetch(`${service.url}/movies`)).status;
    } finally {
      const exit = await service.stop();
      expect({ status, exit }).toEqual({ status: 200, exit: { code: 0, signal: null } });
    }
    return service.output();
  }
  const cacheWritten = async () => {
    await waitFor('the cache to be written', async () => (await caches()).length === 1, 5000);
    const [name] = await caches();
    return { name, ...(await stat(join(cacheDir(), name))) };
  };

  it('the first start writes the cache; the next one uses it as it is (a rejected cache would be written anew)', async () => {
    expect(await caches()).toEqual([]);
    await startAndStop();
    const written = await cacheWritten();
    const { name } = written;
    expect(written.size).toBeGreaterThan(1_000_000);
    expect((await stat(cacheDir())).mode & 0o777).toBe(0o700);

    await startAndStop();
    const after = await stat(join(cacheDir(), name));
    expect(await caches()).toEqual([name]);
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: written.ino, mtimeMs: written.mtimeMs });
  });

  it("a damaged cache is rejected and replaced, another bundle's cache is removed, and the service starts either way", async () => {
    await startAndStop();
    const { name } = await cacheWritten();
    await writeFile(join(cacheDir(), name), 'not a code cache');
    await writeFile(join(cacheDir(), '0000000000000000-0000000000000000.bin'), 'the cache of an older bundle');

    const output = await startAndStop();
    expect(output).not.toMatch(/error/i);
    await waitFor('the cache to be written anew', async () => (await stat(join(cacheDir(), name))).size > 1_000_000, 5000);
    expect(await caches()).toEqual([name]);
  });

  it('a bundle changed without changing its length gets a cache of its own (V8 would accept the old one)', async () => {
    await startAndStop();
    const before = await cacheWritten();
    const bundle = join(dir, 'dist', 'service.js');
    const text = await readFile(bundle, 'latin1');
    const changed = text.replace('the API runs without it', 'the API runs WITHOUT it');
    expect(changed.length === text.length && changed !== text).toBe(true);
    await writeFile(bundle, changed, 'latin1');

    const output = await startAndStop();
    expect(output).toContain('the API runs WITHOUT it');
    const after = await cacheWritten();
    expect(after.name).not.toBe(before.name);
  });

  it("with workers, the cache is a worker's (the primary, which only forks, writes none)", async () => {
    await startAndStop();
    const single = await cacheWritten();
    await rm(cacheDir(), { recursive: true });

    await startAndStop({ WEB_CONCURRENCY: '2' });
    const clustered = await cacheWritten();
    // The primary's would lack what a start compiles after loading the modules (Nest, TypeORM, routes): ~20 % less.
    expect(clustered.size).toBeGreaterThan(single.size * 0.9);
  });

  it('where the cache cannot be written, the service starts without one', async () => {
    await writeFile(cacheDir(), 'a file where the folder would be');
    await startAndStop();
    expect((await stat(cacheDir())).isFile()).toBe(true);
  });
});
