import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { freePort } from '../setup/global-setup';
import { waitFor } from './wait';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Whether a redis-server can be started here (it is a Debian package, not an npm one). */
export const redisServerAvailable = () => spawnSync('redis-server', ['--version']).status === 0;

/**
 * Specs that need a Redis of their own (to stop it mid-test) run where a
 * redis-server binary is installed; in CI they must (.ci/run installs it), and
 * elsewhere they are skipped with a line that says how to run them.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const available = redisServerAvailable();
  if (!available && process.env.CI) throw new Error('redis-server is not installed, and CI must run the Redis specs (apt-get install redis-server)');
  if (!available) console.error(`${name}: skipped, no redis-server on PATH (apt-get install redis-server, or brew install redis, to run it)`);
  const suite = available ? describe : describe.skip;
  suite(name, body);
}

const pong = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.write('PING\r\n');
  });

/** A throwaway Redis on a free port, keeping nothing on disk. */
export async function startRedis(port?: number): Promise<TestRedis> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitFor('redis-server to answer PING', () => pong(chosen), 10_000);
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
