import type { Server } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long a keep-alive connection must have been idle before draining closes
 * it. Closing a connection at the moment its client sends the next request on
 * it is what makes that client see a reset: a busy client sends again within
 * milliseconds and is told `Connection: close` in that answer instead.
 */
const IDLE_GRACE_MS = 1000;
const POLL_MS = 25;

interface Tracked {
  active: number;
  idleSince: number;
}

/**
 * Tracks the HTTP server's connections so a shutdown can end each one cleanly:
 * stop accepting, let every connection finish the request it carries (its
 * answer says `Connection: close`), close those that stay idle, and cut only
 * what is still open at the deadline.
 */
export class ConnectionDrainer {
  private readonly sockets = new Map<Socket, Tracked>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request, response) => {
      const tracked = this.sockets.get(request.socket);
      if (!tracked) return;
      tracked.active++;
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        tracked.active--;
        tracked.idleSince = Date.now();
      };
      response.once('finish', finished);
      response.once('close', finished);
    });
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resolves when every connection has closed, or at `deadline` after cutting the rest. */
  async drain(deadline: number): Promise<{ cut: number }> {
    // net.Server's own close: it stops accepting but, unlike http.Server's, leaves idle keep-alive connections alone.
    NetServer.prototype.close.call(this.server);
    while (this.sockets.size > 0 && Date.now() < deadline) {
      const now = Date.now();
      for (const [socket, tracked] of this.sockets) {
        if (tracked.active === 0 && now - tracked.idleSince >= IDLE_GRACE_MS) socket.end();
      }
      await sleep(POLL_MS);
    }
    const cut = this.sockets.size;
    for (const socket of this.sockets.keys()) socket.destroy();
    return { cut };
  }
}
