import { AddressInfo, createServer, Socket } from 'node:net';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';
import { SmtpPool } from './smtp-pool';

/** A real SMTP server in the test process that counts its connections and keeps each message's text. */
async function server(options: Partial<SMTPServerOptions> = {}, port = 0) {
  const received: string[] = [];
  let connections = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 50,
    onConnect: (_session, callback) => {
      connections++;
      callback();
    },
    onData: (stream, _session, callback) => {
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      stream.on('end', () => {
        received.push(text);
        callback();
      });
    },
    ...options,
  });
  smtp.on('error', () => undefined);
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', () => resolve()));
  return {
    received,
    connections: () => connections,
    port: (smtp.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/**
 * A server that speaks just enough SMTP to fail as some real ones do (smtp-server cannot be made to): `answer`
 * gets each command line and returns the reply, or null to say nothing at all.
 */
async function scripted(answer: (line: string) => string | null) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('220 scripted ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const reply = answer(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (reply !== null) socket.write(`${reply}\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const message = (n: number) => Buffer.from(`From: box@office.test\r\nTo: c@example.com\r\nSubject: ${n}\r\n\r\nTicket ${n}\r\n.leading dot\r\n`);
// One object for every send, as a caller may well pass (the pool must not let connections share it).
const envelope = { from: 'box@office.test', to: ['c@example.com'] };
const settings = { connections: 2, messagesPerConnection: 100, connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 5_000 };

describe('SmtpPool (a real SMTP server)', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('sends messages side by side over at most `connections` connections, kept open and reused, bytes intact', async () => {
    const smtp = await server();
    const pool = new SmtpPool({ ...settings, url: `smtp://127.0.0.1:${smtp.port}` });
    closers.push(smtp.close, () => pool.close());
    await Promise.all(Array.from({ length: 20 }, (_, n) => pool.send(envelope, message(n))));
    await pool.send(envelope, message(20));
    expect(smtp.received).toHaveLength(21);
    expect(smtp.received.every((text) => text.includes('\r\n.leading dot\r\n'))).toBe(true);
    expect(smtp.connections()).toBe(2);
  });

  it('replaces a connection after `messagesPerConnection` messages', async () => {
    const smtp = await server();
    const pool = new SmtpPool({ ...settings, connections: 1, messagesPerConnection: 3, url: `smtp://127.0.0.1:${smtp.port}` });
    closers.push(smtp.close, () => pool.close());
    for (let n = 0; n < 7; n++) await pool.send(envelope, message(n));
    expect(smtp.received).toHaveLength(7);
    expect(smtp.connections()).toBe(3);
  });

  it('does not reuse a connection the server closed while it was idle', async () => {
    const first = await server();
    const pool = new SmtpPool({ ...settings, url: `smtp://127.0.0.1:${first.port}` });
    closers.push(() => pool.close());
    await pool.send(envelope, message(1));
    expect(pool.idleConnections).toBe(1);
    await first.close();
    // The pool hears the server hang up (its 'end'), as it would a real server's idle timeout.
    while (pool.idleConnections > 0) await new Promise((resolve) => setImmediate(resolve));
    const again = await server({}, first.port);
    closers.push(again.close);
    await pool.send(envelope, message(2));
    expect(again.received).toHaveLength(1);
  });

  it('a refused recipient fails that message only; the connection goes on with the next', async () => {
    const smtp = await server({
      onRcptTo: (address, _session, callback) => callback(address.address.startsWith('nobody') ? Object.assign(new Error('no such user'), { responseCode: 550 }) : undefined),
    });
    const pool = new SmtpPool({ ...settings, connections: 1, url: `smtp://127.0.0.1:${smtp.port}` });
    closers.push(smtp.close, () => pool.close());
    await expect(pool.send({ ...envelope, to: ['nobody@example.com'] }, message(1))).rejects.toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    await pool.send(envelope, message(2));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.connections()).toBe(1);
  });

  it('logs in with the URL’s user and password', async () => {
    const logins: string[] = [];
    const smtp = await server({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => {
        logins.push(`${auth.username}:${auth.password}`);
        callback(auth.password === 'p:ss' ? null : new Error('wrong password'), { user: auth.username });
      },
    });
    const pool = new SmtpPool({ ...settings, url: `smtp://box%40office:p%3Ass@127.0.0.1:${smtp.port}` });
    closers.push(smtp.close, () => pool.close());
    await pool.send(envelope, message(1));
    expect(logins).toEqual(['box@office:p:ss']);
    expect(smtp.received).toHaveLength(1);
  });

  it('a server that is not there fails the send (the job queue retries it), and a later send works once it is', async () => {
    const probe = await server();
    const port = probe.port;
    await probe.close();
    const pool = new SmtpPool({ ...settings, url: `smtp://127.0.0.1:${port}` });
    closers.push(() => pool.close());
    await expect(pool.send(envelope, message(1))).rejects.toMatchObject({ code: 'ESOCKET' });
    const smtp = await server({}, port);
    closers.push(smtp.close);
    await pool.send(envelope, message(2));
    expect(smtp.received).toHaveLength(1);
  });

  it('a server that refuses a recipient and then stops answering (no reply to RSET) fails the send, and frees its connection slot', async () => {
    const server = await scripted((line) => (line.startsWith('EHLO') ? '250 scripted' : line.startsWith('RCPT') ? '550 no such user' : line.startsWith('RSET') ? null : '250 OK'));
    const pool = new SmtpPool({ ...settings, connections: 1, socketTimeout: 300, url: `smtp://127.0.0.1:${server.port}` });
    closers.push(server.close, () => pool.close());
    await expect(pool.send(envelope, message(1))).rejects.toMatchObject({ code: 'EENVELOPE' });
    // The only slot is free again: the next send is tried (and fails the same way) rather than waiting for ever.
    await expect(pool.send(envelope, message(2))).rejects.toMatchObject({ code: 'EENVELOPE' });
  });

  it('a server that never answers the login fails the send after the socket timeout, and frees its slot', async () => {
    const server = await scripted((line) => (line.startsWith('EHLO') ? '250-scripted\r\n250 AUTH PLAIN LOGIN' : line.startsWith('AUTH') ? null : '250 OK'));
    const pool = new SmtpPool({ ...settings, connections: 1, socketTimeout: 300, url: `smtp://u:p@127.0.0.1:${server.port}` });
    closers.push(server.close, () => pool.close());
    await expect(pool.send(envelope, message(1))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await expect(pool.send(envelope, message(2))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('does not log in to a server that offers no AUTH, as nodemailer would not (a relay that trusts its network)', async () => {
    const smtp = await server({ disabledCommands: ['STARTTLS', 'AUTH'] });
    const pool = new SmtpPool({ ...settings, url: `smtp://user:secret@127.0.0.1:${smtp.port}` });
    closers.push(smtp.close, () => pool.close());
    await pool.send(envelope, message(1));
    expect(smtp.received).toHaveLength(1);
  });
});
