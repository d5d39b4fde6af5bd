import { readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { createTestDatabase, TestDatabase } from '../setup/test-app';
import { ServiceProcess, spawnService, untilHealthy } from '../support/service-process';

/** A rush's first moment: this many customers connect at once, more than Node's default listen backlog (511). */
const RUSH = 1000;
/** The kernel caps any listen backlog at net.core.somaxconn: the service can queue no more than that. */
const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
const CUSTOMERS = Math.min(RUSH, somaxconn);
/** How long connections that the kernel would complete get to do so (on loopback they take well under a millisecond). */
const CONNECT_WAIT_MS = 5_000;

/**
 * A sell-out's customers connect together while the service's event loop is busy with the
 * first of them. The kernel completes their connections into the listening socket's queue;
 * when the queue is full it drops the rest, and each of those customers waits a second or
 * more for its SYN to be sent again. The service is stopped (SIGSTOP) while they connect,
 * the busiest it can be: every connection must still be queued, and answered once it runs.
 */
describe('a rush of connections (the listen backlog)', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await untilHealthy(await spawnService({ DATABASE_URL: db.url }));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    if (service) {
      process.kill(service.child.pid!, 'SIGCONT');
      await service.stop();
    }
    await db?.drop();
  });

  it(`queues ${CUSTOMERS} connections made while the service cannot accept any, and answers each`, async () => {
    const { port } = new URL(service.url);
    process.kill(service.child.pid!, 'SIGSTOP');
    let connected = 0;
    const allConnected = new Promise<void>((resolve) => {
      for (let i = 0; i < CUSTOMERS; i++) {
        const socket = connect({ host: '127.0.0.1', port: Number(port) });
        socket.on('error', () => undefined);
        socket.once('connect', () => {
          if (++connected === CUSTOMERS) resolve();
        });
        sockets.push(socket);
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, CONNECT_WAIT_MS)));
    await Promise.race([allConnected, deadline]);
    clearTimeout(timer);
    expect(connected).toBe(CUSTOMERS);

    // Each queued customer asks; the service, running again, answers them all.
    const answers = sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let text = '';
          socket.setEncoding('latin1');
          socket.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('\r\n\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
          });
          socket.once('close', () => resolve(text.slice(0, text.indexOf('\r\n')) || 'closed without an answer'));
        }),
    );
    for (const socket of sockets) socket.write(`GET /health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
    process.kill(service.child.pid!, 'SIGCONT');
    const statusLines = await Promise.all(answers);
    const counts: Record<string, number> = {};
    for (const line of statusLines) counts[line] = (counts[line] ?? 0) + 1;
    expect(counts).toEqual({ 'HTTP/1.1 200 OK': CUSTOMERS });
  }, 60_000);
});
