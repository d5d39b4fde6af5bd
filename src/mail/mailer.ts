import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Transaction } from '../database/statement';
import { JobKind } from '../jobs/job-kind';
import { Jobs } from '../jobs/jobs';
import { Metrics } from '../metrics/metrics';
import { MailTransport } from './mail-transport';
import type { MimeAttachment } from './mime';
import type { Rendered } from './templates/layout';
import { MailData, MailKind, render } from './templates';

interface MailJob {
  kind: MailKind;
  to: string;
  data: MailData[MailKind];
}

/** One message to one address: rendered and sent when the job runs, retried with backoff while the server refuses. */
export const SEND_MAIL = new JobKind<MailJob>('mail.send');

/**
 * E-mail as an outbox: `queue(tx, …)` adds the message as a job in the
 * transaction of the change it reports, so a rolled-back change sends
 * nothing and a committed one is sent (at least once: a send cut off by a
 * crash may repeat, never vanish). Messages that keep failing stay in the
 * queue as failed jobs, counted in readiness and metrics.
 */
@Injectable()
export class Mailer implements OnModuleInit {
  private readonly sent: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly jobs: Jobs,
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.sent = new Counter({
      name: 'emails_total',
      help: 'E-mails by kind and outcome (sent; failed: the try failed and is retried until its tries are used up)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.jobs.register(SEND_MAIL, ({ data: { kind, to, data } }) => this.deliver(kind, to, render(kind, this.config.cinemaName, data as never)));
  }

  get cinemaName(): string {
    return this.config.cinemaName;
  }

  get publicUrl(): string {
    return this.config.publicUrl;
  }

  /**
   * Sends a rendered message now, counted by kind. For jobs that read their
   * data when they run (the bookings of a confirmation, say): they call this
   * from their own handler, and a throw retries the job.
   */
  async deliver(kind: string, to: string, message: Rendered & { attachments?: MimeAttachment[] }): Promise<void> {
    try {
      await this.transport.send({ to, ...message });
    } catch (error) {
      this.sent.inc({ kind, outcome: 'failed' });
      throw error;
    }
    this.sent.inc({ kind, outcome: 'sent' });
  }

  queue<K extends MailKind>(tx: Transaction, kind: K, to: string, data: MailData[K]): Promise<string | null> {
    return this.jobs.add(tx, SEND_MAIL, { kind, to, data });
  }
}
