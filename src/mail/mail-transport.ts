import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { composable, composeMime, fromHeader, MimeAttachment } from './mime';
import { SmtpPool } from './smtp-pool';

/** SMTP connections kept open per process (the job queue runs a few senders at once), and messages sent on one before it is renewed. */
const POOLED_CONNECTIONS = 4;
const MESSAGES_PER_CONNECTION = 500;

/**
 * Where messages go: the SMTP server of SMTP_URL, or, unset (the embedded
 * default), `.eml` files in MAIL_DIR (DATA_DIR/mail), which any mail program
 * opens. A file is written under a temporary name and renamed, so a reader
 * never sees half a message.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  /** Connections kept open to SMTP_URL's server: a new one per message (greeting, EHLO, TLS with a real server) cost about 100 ms of waiting per message even on loopback, so a rush's tickets took minutes. */
  private readonly pool?: SmtpPool;
  /** MAIL_FROM as a header and an envelope sender, when this process composes its messages itself (see `send`). */
  private sender?: { header: string; address: string; domain: string } | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const { smtpUrl } = config.mail;
    if (smtpUrl) {
      this.pool = new SmtpPool({
        url: smtpUrl,
        connections: POOLED_CONNECTIONS,
        messagesPerConnection: MESSAGES_PER_CONNECTION,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
    }
  }

  get kind(): 'smtp' | 'files' {
    return this.config.mail.smtpUrl ? 'smtp' : 'files';
  }

  /**
   * A message of the box office (plain addresses, ASCII file names) is
   * composed here in one pass (`composeMime`); anything else by nodemailer's
   * composer (about 60 ms of require, loaded at the first such message).
   * Either way the finished bytes go to the pool (`SmtpPool`) or a file.
   */
  async send(message: SendMailOptions & { to: string; subject: string; text: string; html: string; attachments?: MimeAttachment[] }): Promise<void> {
    const sender = await this.senderOf();
    const composed =
      sender && composable(message.to, message.attachments)
        ? { raw: composeMime({ ...message, from: sender.header, date: this.clock.now(), domain: sender.domain }), envelope: { from: sender.address, to: [message.to] }, name: message.to }
        : await this.composeWithNodemailer(message);
    if (this.pool) await this.pool.send(composed.envelope, composed.raw);
    else await this.writeFile(composed.name, composed.raw);
  }

  private async composeWithNodemailer(message: SendMailOptions): Promise<{ raw: Buffer; envelope: { from: string; to: string[] }; name: string }> {
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
    const node = new MailComposer({ from: this.config.mail.from, ...message }).compile();
    const raw = await new Promise<Buffer>((resolve, reject) => node.build((error, built) => (error ? reject(error) : resolve(built))));
    const envelope = node.getEnvelope();
    return { raw, envelope: { from: envelope.from || '', to: envelope.to }, name: node.messageId() };
  }

  /** MAIL_FROM parsed once: null when it is not one plain address (then nodemailer composes every message). */
  private async senderOf(): Promise<{ header: string; address: string; domain: string } | null> {
    if (this.sender === undefined) {
      const { default: parse } = await import('nodemailer/lib/addressparser');
      const parsed = parse(this.config.mail.from);
      const only = parsed.length === 1 && 'address' in parsed[0] ? parsed[0] : undefined;
      const address = only?.address;
      this.sender = only && address && composable(address) ? { header: fromHeader(only.name, address), address, domain: address.split('@')[1] } : null;
    }
    return this.sender;
  }

  onApplicationShutdown(): void {
    this.pool?.close();
  }

  /** `name` ends the file's name (a message id, or the recipient): only its letters, digits, @, dots and dashes are kept. */
  private async writeFile(name: string, eml: Buffer): Promise<void> {
    const { dir } = this.config.mail;
    await mkdir(dir, { recursive: true });
    // eslint-disable-next-line no-restricted-syntax -- a file name that sorts by arrival, not a rule
    const file = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name.replace(/[^A-Za-z0-9@.-]/g, '').slice(0, 60)}-${randomBytes(4).toString('hex')}.eml`;
    const temporary = join(dir, `.${file}.tmp`);
    await writeFile(temporary, eml);
    await rename(temporary, join(dir, file));
  }
}
