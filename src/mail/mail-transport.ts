import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { APP_CONFIG, AppConfig } from '../config/app-config';

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

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

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

  async send(message: SendMailOptions): Promise<void> {
    const info = await (await this.transport()).sendMail({ from: this.config.mail.from, ...message });
    if (this.kind === 'files') await this.writeFile(info.messageId, (info as unknown as { message: Buffer }).message);
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  private async writeFile(messageId: string, eml: Buffer): Promise<void> {
    const { dir } = this.config.mail;
    await mkdir(dir, { recursive: true });
    // eslint-disable-next-line no-restricted-syntax -- a file name that sorts by arrival, not a rule
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${messageId.replace(/[^A-Za-z0-9@.-]/g, '').slice(0, 80) || randomBytes(8).toString('hex')}.eml`;
    const temporary = join(dir, `.${name}.tmp`);
    await writeFile(temporary, eml);
    await rename(temporary, join(dir, name));
  }
}
