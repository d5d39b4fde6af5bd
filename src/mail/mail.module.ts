import { Global, Module } from '@nestjs/common';
import { MailTransport } from './mail-transport';
import { Mailer } from './mailer';

/** Global: every module that reports a change by e-mail queues it through `Mailer`. */
@Global()
@Module({
  providers: [MailTransport, Mailer],
  exports: [Mailer],
})
export class MailModule {}
