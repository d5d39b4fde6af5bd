import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { freePort } from './setup/global-setup';
import { waitFor } from './support/wait';

const ROOT = join(__dirname, '..');

interface RunningService {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Without DATABASE_URL the service must bring its own PostgreSQL: this spec runs
 * `src/main.ts` exactly as a developer would, in a child process, twice on one DATA_DIR.
 */
describe('the service with no DATABASE_URL (embedded PostgreSQL, e2e)', () => {
  let workDir: string;
  let dataDir: string;
  let pgPort: number;
  let running: RunningService | undefined;
  const user = { username: `embedded_${Date.now().toString(36)}`, password: 'password123' };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cinema-embedded-'));
    dataDir = join(workDir, 'data');
    pgPort = await freePort();
  });

  afterAll(async () => {
    // Only if a test failed half-way: never leave our service or its PostgreSQL behind.
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await once(running.child, 'exit');
    }
    const pidFile = join(dataDir ?? '', 'postmaster.pid');
    if (dataDir && existsSync(pidFile)) {
      const postmaster = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      if (Number.isInteger(postmaster) && postmaster > 0) {
        try {
          process.kill(postmaster, 'SIGINT');
        } catch {
          // already gone
        }
      }
    }
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function start(): Promise<RunningService> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DATABASE_URL', 'E2E_SERVER_URL', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'JWT_SECRET']) delete env[name];
    Object.assign(env, {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    running = { child, url: `http://127.0.0.1:${port}`, output: () => output };

    await waitFor(
      'GET /health to answer 200',
      async () => {
        if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} before it was healthy:\n${output}`);
        const res = await fetch(`${running!.url}/health`).catch(() => undefined);
        return res?.status === 200;
      },
      25_000,
    );
    return running;
  }

  async function stop(service: RunningService): Promise<void> {
    const exited = once(service.child, 'exit');
    service.child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal, output: code === 0 ? '' : service.output() }).toEqual({ code: 0, signal: null, output: '' });
  }

  async function postgresAnswers(): Promise<boolean> {
    const client = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: 'postgres', database: 'postgres' });
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
});
