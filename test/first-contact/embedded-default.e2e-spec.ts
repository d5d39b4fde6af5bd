import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { freePort } from '../setup/global-setup';
import { ROOT, runUntilExit, ServiceProcess, spawnService, stopServerIn, untilHealthy } from '../support/service-process';

/**
 * Without DATABASE_URL the service must bring its own PostgreSQL: this spec runs
 * the service (its build, as `npm start` runs it) in a child process, twice on one DATA_DIR.
 */
describe('the service with no DATABASE_URL (embedded PostgreSQL, e2e)', () => {
  let workDir: string;
  let dataDir: string;
  let pgPort: number;
  let running: ServiceProcess | undefined;
  const user = { username: `embedded_${Date.now().toString(36)}`, password: 'password123' };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cinema-embedded-'));
    // Open like /tmp itself, so that as root the "postgres" user reaches DATA_DIR where it is.
    await chmod(workDir, 0o755);
    dataDir = join(workDir, 'data');
    pgPort = await freePort();
  });

  afterAll(async () => {
    // Only if a test failed half-way: never leave our service or its PostgreSQL behind.
    await running?.stop('SIGKILL');
    await stopServerIn(dataDir);
    await rm(workDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}) =>
    (running = await untilHealthy(await spawnService({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), ...env })));

  async function stop(service: ServiceProcess): Promise<void> {
    const { code, signal } = await service.stop('SIGTERM');
    expect({ code, signal, output: code === 0 ? '' : service.output() }).toEqual({ code: 0, signal: null, output: '' });
  }

  async function postgresAnswers(): Promise<boolean> {
    const client = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  it('starts its own PostgreSQL in DATA_DIR, keeps the data across a restart, and stops PostgreSQL on SIGTERM', async () => {
    const first = await start();
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await postgresAnswers()).toBe(true);
    const health = await request(first.url).get('/health').expect(200);
    expect(health.body).toEqual({ status: 'ok' });
    const signup = await request(first.url)
      .post('/signup/')
      .send({ ...user, email: `${user.username}@example.com` })
      .expect(201);
    await request(first.url).post('/login/').send(user).expect(200);

    await stop(first);
    expect(await postgresAnswers()).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await start();
    const login = await request(second.url).post('/login/').send(user).expect(200);
    const me = await request(second.url).get('/me/').set('Authorization', `Bearer ${login.body.access}`).expect(200);
    expect(me.body).toMatchObject({ id: signup.body.id, username: user.username, role: 'customer' });
    const again = await request(second.url)
      .post('/signup/')
      .send({ ...user, email: `${user.username}@example.com` });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('USERNAME_TAKEN');

    await stop(second);
    expect(await postgresAnswers()).toBe(false);
  }, 60_000);

  it('npm run seed beside the running service writes to its PostgreSQL, whatever port the service was given', async () => {
    const running = await start();
    // The seed's own EMBEDDED_PG_PORT differs from the service's: it finds the server by the data folder.
    const seeded = await runUntilExit(
      { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) },
      { entry: join(ROOT, 'src', 'seed.ts') },
      120_000,
    );
    expect({ code: seeded.code, output: seeded.output }).toEqual({ code: 0, output: expect.stringContaining('seeded: 2 customers, 5 movies, 10 shows') });
    const movies = await request(running.url).get('/movies/').expect(200);
    expect(movies.body.length).toBeGreaterThanOrEqual(5);
    await stop(running);
    expect(await postgresAnswers()).toBe(false);
  }, 180_000);

  it('takes over the PostgreSQL that a killed service (kill -9) left running, and stops it on SIGTERM', async () => {
    const first = await start();
    const killed = await first.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    // The server outlives a SIGKILL of the service (it runs in its own process group)...
    expect(await postgresAnswers()).toBe(true);

    // ...and the next start takes it over instead of failing on a held data folder.
    const second = await start({ LOG_LEVEL: 'info' });
    expect(second.output()).toMatch(/taking over the PostgreSQL server \(pid \d+\) that an earlier run of the service left behind/);
    await request(second.url).post('/login/').send(user).expect(200);
    await stop(second);
    expect(await postgresAnswers()).toBe(false);
  }, 60_000);
});
