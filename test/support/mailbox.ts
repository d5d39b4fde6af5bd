import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait';

/**
 * A real SMTP server in the test process (smtp-server), whose messages are
 * parsed as a mail program would (mailparser). `stop()` and `start()` on the
 * same port stand for a mail server that goes away and comes back.
 */
export class Mailbox {
  readonly messages: ParsedMail[] = [];
  private server?: SMTPServer;
  port = 0;

  static async open(): Promise<Mailbox> {
    const box = new Mailbox();
    await box.start();
    return box;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Going away drops the connections still open, as a mail server that stops does: the service keeps a pool of
      // idle ones, and smtp-server's default waits 30 s for them before it closes.
      closeTimeout: 50,
      onData: (stream, _session, callback) => {
        simpleParser(stream, { keepCidLinks: true })
          .then((mail) => {
            this.messages.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The messages to this address so far. */
  to(address: string): ParsedMail[] {
    return this.messages.filter((mail) => [mail.to].flat().some((to) => to?.value.some((v) => v.address?.toLowerCase() === address.toLowerCase())));
  }

  /** Waits until `count` messages to `address` have arrived, and returns them. */
  async received(address: string, count = 1, timeoutMs = 15_000): Promise<ParsedMail[]> {
    await waitFor(`${count} message(s) to ${address}`, () => this.to(address).length >= count, timeoutMs);
    return this.to(address);
  }
}
