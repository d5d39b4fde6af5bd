import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, TEMP_CLUSTER_PREFIX } from '../setup/global-setup';
import { ROOT } from '../support/service-process';
import { waitFor } from '../support/wait';

function readFileSafely(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A test run without DATABASE_URL leaves nothing in the temp folder, also when its tests fail. */
describe('temporary test clusters (jest run in a child process, e2e)', () => {
  let temp: string;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'cinema-tmpdir-'));
    await chmod(temp, 0o755);
  });
  afterAll(() => rm(temp, { recursive: true, force: true }));

  /** jest on one fixture of test/fixtures/failing-suite, with the real global set-up and teardown, and without DATABASE_URL. */
  function startFixture(fixture: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp };
    delete env.DATABASE_URL;
    delete env.E2E_SERVER_URL;
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', 'test/fixtures/failing-suite/jest.config.js', fixture], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = { child, output: '' };
    child.stdout?.on('data', (chunk) => (run.output += chunk));
    child.stderr?.on('data', (chunk) => (run.output += chunk));
    return run;
  }

  async function runFailingSuite(): Promise<{ code: number | null; output: string }> {
    const run = startFixture('fails-on-purpose');
    const [code] = await once(run.child, 'exit');
    return { code, output: run.output };
  }

  const ours = async () => (await readdir(temp)).filter((name) => name.startsWith('cinema-'));

  it('removes the cluster of a run whose tests failed, and the folders that killed runs left behind', async () => {
    // What a run killed before its teardown leaves: a cluster folder whose server is gone.
    const abandoned = join(temp, `${TEMP_CLUSTER_PREFIX}abandoned`);
    await mkdir(join(abandoned, 'data'), { recursive: true });
    await writeFile(join(abandoned, 'data', 'postmaster.pid'), '999999999\n');

    const { code, output } = await runFailingSuite();
    expect({ code, ranAndFailed: /fails after using the temporary cluster/.test(output) && /1 failed/.test(output) }).toEqual({ code: 1, ranAndFailed: true });
    // jest keeps its own cache there (jest_*); nothing of ours may stay.
    expect(await ours()).toEqual([]);
  }, 90_000);

  it('a run killed with kill -9 while it uses its cluster (its watchdog signalled too): the server stops and its folder goes, without waiting for the next run', async () => {
    const run = startFixture('hangs-until-killed');
    await waitFor('the fixture to use its cluster', () => run.output.includes('the cluster is in use') || run.child.exitCode !== null, 60_000);
    expect(run.child.exitCode).toBeNull();
    const [cluster] = await ours();
    const postmaster = Number((await readFile(join(temp, cluster, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(alive(postmaster)).toBe(true);

    // Killed as a clean-up script kills a clone's processes: the watchdog is signalled too, at the same moment.
    const watchdog = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .find((pid) => {
        const args = (readFileSafely(`/proc/${pid}/cmdline`) ?? '').split('\0');
        return args.some((arg) => arg.endsWith('cluster-watchdog.js')) && args.includes(join(temp, cluster));
      });
    expect(watchdog).toBeDefined();
    process.kill(Number(watchdog), 'SIGTERM');
    run.child.kill('SIGKILL');
    await once(run.child, 'exit');
    try {
      await waitFor('the server to stop and the folder to go', async () => !alive(postmaster) && (await ours()).length === 0, 30_000);
    } finally {
      if (alive(postmaster)) process.kill(postmaster, 'SIGINT');
    }
  }, 120_000);
});
