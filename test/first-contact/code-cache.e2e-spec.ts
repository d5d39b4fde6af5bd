import { copyFile, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
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
  async function startAndStop(): Promise<string> {
    const service = await spawnService({ DATABASE_URL: db.url }, { cwd: dir, entry: join(dir, 'dist', 'src', 'launch.js') });
    try {
      await untilHealthy(service);
      const res = await fetch(`${service.url}/movies`);
      expect(res.status).toBe(200);
      return service.output();
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }

  it('the first start writes the cache; the next one uses it as it is (a rejected cache would be written anew)', async () => {
    expect(await caches()).toEqual([]);
    await startAndStop();
    await waitFor('the cache to be written', async () => (await caches()).length === 1, 5000);
    const [name] = await caches();
    const written = await stat(join(cacheDir(), name));
    expect(written.size).toBeGreaterThan(1_000_000);
    expect((await stat(cacheDir())).mode & 0o777).toBe(0o700);

    await startAndStop();
    const after = await stat(join(cacheDir(), name));
    expect(await caches()).toEqual([name]);
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: written.ino, mtimeMs: written.mtimeMs });
  });

  it("a damaged cache is rejected and replaced, another bundle's cache is removed, and the service starts either way", async () => {
    await startAndStop();
    await waitFor('the cache to be written', async () => (await caches()).length === 1, 5000);
    const [name] = await caches();
    await writeFile(join(cacheDir(), name), 'not a code cache');
    await writeFile(join(cacheDir(), '0000000000000000-0000000000000000.bin'), 'the cache of an older bundle');

    const output = await startAndStop();
    expect(output).not.toMatch(/error/i);
    await waitFor('the cache to be written anew', async () => (await stat(join(cacheDir(), name))).size > 1_000_000, 5000);
    expect(await caches()).toEqual([name]);
  });

  it('where the cache cannot be written, the service starts without one', async () => {
    await writeFile(cacheDir(), 'a file where the folder would be');
    await startAndStop();
    expect((await stat(cacheDir())).isFile()).toBe(true);
  });
});
