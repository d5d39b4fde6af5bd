import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { composable, composeMime, fromHeader, MimeAttachment } from './mime';

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
  private transporter?: Transporter;
  /** MAIL_FROM as a header and an envelope sender, when this process composes its messages itself (see `send`). */
  private sender?: { header: string; address: string; domain: string } | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Made at the first message: nodemailer is loaded then, off the start-up path (about 60 ms of require). */
  private async transport(): Promise<Transporter> {
    if (!this.transporter) {
      const { default: nodemailer } = await import('nodemailer');
      const { smtpUrl } = this.config.mail;
      this.transporter = smtpUrl
        ? nodemailer.createTransport({
            url: smtpUrl,
            // A few connections kept open and reused: a new one per message (greeting, EHLO, TLS with a real
            // server) cost about 100 ms of waiting per message even on loopback, so a rush's tickets took minutes.
            pool: true,
            maxConnections: POOLED_CONNECTIONS,
            maxMessages: MESSAGES_PER_CONNECTION,
            connectionTimeout: 10_000,
            greetingTimeout: 10_000,
            socketTimeout: 30_000,
          } as SMTPTransport.Options)
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
    return this.transporter;
  }

  get kind(): 'smtp' | 'files' {
    return this.config.mail.smtpUrl ? 'smtp' : 'files';
  }

  /**
   * A message of the box office (plain addresses, ASCII file names) is
   * composed here in one pass (`composeMime`) and handed to nodemailer as
   * raw bytes with its envelope; nodemailer's own composer, several streams
   * per message, cost more than rendering and sending together. Anything
   * else goes through nodemailer's composer as before.
   */
  async send(message: SendMailOptions & { to: string; subject: string; text: string; html: string; attachments?: MimeAttachment[] }): Promise<void> {
    const transporter = await this.transport();
    const sender = await this.senderOf();
    if (sender && composable(message.to, message.attachments)) {
      const raw = composeMime({ ...message, from: sender.header, date: this.clock.now(), domain: sender.domain });
      if (this.kind === 'files') return this.writeFile(message.to, raw);
      await transporter.sendMail({ envelope: { from: sender.address, to: [message.to] }, raw });
      return;
    }
    const info = await transporter.sendMail({ from: this.config.mail.from, ...message });
    if (this.kind === 'files') await this.writeFile(info.messageId, (info as unknown as { message: Buffer }).message);
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
    this.transporter?.close();
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
