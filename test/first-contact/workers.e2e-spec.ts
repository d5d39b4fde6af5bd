import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { linesOf, ServiceProcess, spawnService, stopServerIn, untilHealthy } from '../support/service-process';
import { waitFor } from '../support/wait';

/** The pids of a process's children (the workers of a primary). */
const childrenOf = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);

const sample = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

/** WEB_CONCURRENCY: one port, several worker processes, one service (the real service, its build). */
describe('WEB_CONCURRENCY workers (the real service, e2e)', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });
  afterAll(() => db?.drop());

  it('serves from two workers on one port, with metrics of both, restarts a worker that dies, and drains on SIGTERM', async () => {
    service = await untilHealthy(await spawnService({ DATABASE_URL: db.url, WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' }));
    await waitFor('both workers to listen', () => service!.output().includes('2 workers are listening'));
    const workers = childrenOf(service.child.pid!);
    expect(workers).toHaveLength(2);

    // One scrape, whichever worker answers it, counts both workers' LISTEN connections.
    await waitFor('both workers to LISTEN', async () => sample(await (await fetch(`${service!.url}/metrics`)).text(), 'seat_events_listening') === 2);

    process.kill(workers[0], 'SIGKILL');
    await waitFor('a replacement worker', () => childrenOf(service!.child.pid!).filter((pid) => pid !== workers[0]).length === 2);
    // The primary's log is asynchronous: the line may reach the pipe after the new worker exists.
    const died = new RegExp(`worker ${workers[0]} died \\(SIGKILL\\) while serving: starting another`);
    await waitFor('the primary to report the death', () => died.test(service!.output()));
    await untilHealthy(service);

    const exit = await service.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(linesOf(service.output()).some((line) => line.includes('SIGTERM: stopping 2 workers'))).toBe(true);
    for (const pid of childrenOf(process.pid)) expect(workers).not.toContain(pid);
  });

  it('with no DATABASE_URL, the primary starts the embedded PostgreSQL once for all workers and stops it last', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cinema-workers-'));
    try {
      const { chmod } = await import('node:fs/promises');
      await chmod(dir, 0o755);
      service = await untilHealthy(await spawnService({ DATA_DIR: join(dir, 'data'), EMBEDDED_PG_PORT: String(20000 + (process.pid % 20000)), WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' }), 60_000);
      await waitFor('both workers to listen', () => service!.output().includes('2 workers are listening'));
      // Ready once each worker's job queue has started too (a second after it listens, longer on a busy machine).
      await waitFor('readiness', async () => (await fetch(`${service!.url}/health/ready`)).status === 200, 30_000);
      expect(service.output().match(/embedded PostgreSQL \d+ listening/g)).toHaveLength(1);
      expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(service.output()).toMatch(/every worker has stopped/);
      // A server that shut down cleanly removes its pid file.
      expect(existsSync(join(dir, 'data', 'postmaster.pid'))).toBe(false);
    } finally {
      await stopServerIn(join(dir, 'data'));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
