import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_CLUSTER_PREFIX } from '../setup/global-setup';
import { ROOT } from '../support/service-process';

/** A test run without DATABASE_URL leaves nothing in the temp folder, also when its tests fail. */
describe('temporary test clusters (jest run in a child process, e2e)', () => {
  let temp: string;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'cinema-tmpdir-'));
    await chmod(temp, 0o755);
  });
  afterAll(() => rm(temp, { recursive: true, force: true }));

  async function runFailingSuite(): Promise<{ code: number | null; output: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp };
    delete env.DATABASE_URL;
    delete env.E2E_SERVER_URL;
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', 'test/fixtures/failing-suite/jest.config.js'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'exit');
    return { code, output };
  }

  it('removes the cluster of a run whose tests failed, and the folders that killed runs left behind', async () => {
    // What a run killed before its teardown leaves: a cluster folder whose server is gone.
    const abandoned = join(temp, `${TEMP_CLUSTER_PREFIX}abandoned`);
    await mkdir(join(abandoned, 'data'), { recursive: true });
    await writeFile(join(abandoned, 'data', 'postmaster.pid'), '999999999\n');

    const { code, output } = await runFailingSuite();
    expect({ code, ranAndFailed: /fails after using the temporary cluster/.test(output) && /1 failed/.test(output) }).toEqual({ code: 1, ranAndFailed: true });
    // jest keeps its own cache there (jest_*); nothing of ours may stay.
    expect((await readdir(temp)).filter((name) => name.startsWith('cinema-'))).toEqual([]);
  }, 90_000);
});
